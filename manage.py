#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogsite.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    if not any(arg.startswith("--settings") for arg in sys.argv):
        from django.conf import settings

        try:
            settings.INSTALLED_APPS  # noqa: B018  # loads the settings now
        except ImproperlyConfigured as error:
            # A missing SECRET_KEY or ALLOWED_HOSTS is the operator's to fix: say what, not where.
            sys.exit(f"Error: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
