from functools import cache

from django.conf import settings
from django.utils.functional import lazy


def site(request):
    """The site's name and authoring rule, for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "OPEN_AUTHORING": settings.OPEN_AUTHORING}


def moderation(request):
    """For staff who may see the comments in the admin, the number awaiting moderation and the queue's
    address, counted (one query) only when a template shows them; 0 and "" for anyone else. The header
    and the admin index both read these."""

    @cache
    def may_moderate() -> bool:
        user = getattr(request, "user", None)
        return user is not None and user.is_staff and user.has_perm("comments.view_comment")

    @cache
    def count():
        if not may_moderate():
            return 0
        from comments.models import Comment

        return Comment.objects.pending().count()

    def queue_url():
        from .admin import moderation_queue_url

        return moderation_queue_url() if may_moderate() else ""

    # Lazy values of the real types (so that filters such as `pluralize` see a number), each worked out once.
    return {"pending_comment_count": lazy(count, int)(), "moderation_queue_url": lazy(queue_url, str)()}
