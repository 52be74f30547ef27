from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "mentions"
    verbose_name = "Webmentions"

    def ready(self):
        from . import pruning, signals  # noqa: F401  (connects the receivers, registers the pruners)
