from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """The site's name and authoring rule, for every template."""
    return {"SITE_NAME": settings.SITE_NAME, "OPEN_AUTHORING": settings.OPEN_AUTHORING}


def moderation(request):
    """For staff, the number of comments awaiting moderation and the queue's address, counted (one query) only
    when a template shows it; nothing for anyone else."""

    def count():
        user = getattr(request, "user", None)
        if user is None or not user.is_staff:
            return 0
        from comments.models import Comment

        return Comment.objects.pending().count()

    def queue_url():
        from .admin import moderation_queue_url

        return moderation_queue_url()

    return {"pending_comment_count": SimpleLazyObject(count), "moderation_queue_url": SimpleLazyObject(queue_url)}
