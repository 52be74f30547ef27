from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = _("Posts")

    def ready(self):
        from blogsite import versions

        from . import receivers  # noqa: F401
        from .models import next_scheduled_at
        from .search import ensure_sqlite_index

        # The caches move on when a scheduled post becomes public, which no write announces.
        versions.next_scheduled = next_scheduled_at

        post_migrate.connect(ensure_sqlite_index, sender=self, dispatch_uid="posts.ensure_sqlite_index")
