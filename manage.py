#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read the models and the migration files and nothing else: they never serve, sign or store
# anything, so they run without a SECRET_KEY, as CI and editors call them in a bare environment. Every other
# command, `check` included, refuses in one line without one.
KEYLESS_COMMANDS = {"makemigrations"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogsite.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault("SECRET_KEY", "not-secret-only-for-reading-models")
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
