from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentionsConfig(AppConfig):
    name = "mentions"
    verbose_name = _("Webmentions")

    def ready(self):
        from . import pruning, signals  # noqa: F401  (connects the receivers, registers the pruners)
