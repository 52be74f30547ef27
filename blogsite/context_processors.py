from functools import cached_property

from django.conf import settings
from django.utils.functional import lazy

from accounts.policy import can_see_moderation_queue


def site(request):
    """The site's name and authoring rule, for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "OPEN_AUTHORING": settings.OPEN_AUTHORING}


class _Moderation:
    """What one request's pages say about the moderation queue, each worked out once."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def may_moderate(self) -> bool:
        user = getattr(self.request, "user", None)
        return user is not None and can_see_moderation_queue(user)

    @cached_property
    def pending(self) -> int:
        if not self.may_moderate:
            return 0
        from comments.models import Comment

        return Comment.objects.pending().count()

    def count(self) -> int:
        return self.pending

    def queue_url(self) -> str:
        from .admin import moderation_queue_url

        return moderation_queue_url() if self.may_moderate else ""


# Made once: `lazy()` builds a class each time it is called, which cost every page as much as a query.
_lazy_count = lazy(_Moderation.count, int)
_lazy_queue_url = lazy(_Moderation.queue_url, str)


def moderation(request):
    """For staff who may see the comments in the admin, the number awaiting moderation and the queue's
    address, counted (one query) only when a template shows them; 0 and "" for anyone else. The header
    and the admin index both read these."""
    state = _Moderation(request)
    # Lazy values of the real types (so that filters such as `pluralize` see a number).
    return {"pending_comment_count": _lazy_count(state), "moderation_queue_url": _lazy_queue_url(state)}
