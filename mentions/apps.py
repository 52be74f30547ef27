from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "mentions"
    verbose_name = "Webmentions"

    def ready(self):
        from . import signals  # noqa: F401
