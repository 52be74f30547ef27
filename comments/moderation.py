"""Moderation decisions on comments, from a blog owner's dashboard or from the admin, each one recorded."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Comment, ModerationEvent

# The status each moderation action leaves a comment in.
ACTION_STATUS = {
    ModerationEvent.Action.APPROVE: Comment.Status.APPROVED,
    ModerationEvent.Action.SPAM: Comment.Status.SPAM,
    ModerationEvent.Action.REMOVE: Comment.Status.REMOVED,
    ModerationEvent.Action.RESTORE: Comment.Status.APPROVED,
}


def moderate_comments(
    *, comments: Iterable[Comment], action: str, moderator, source: str = ModerationEvent.Source.ADMIN
) -> int:
    """Apply `action` to each comment whose status it changes; record one event per change.

    Returns how many comments changed. Two queries plus one bulk insert, whatever the number of comments.
    """
    action = ModerationEvent.Action(action)
    new_status = ACTION_STATUS[action]
    with transaction.atomic():
        changed = [c for c in comments if c.status != new_status]
        if not changed:
            return 0
        Comment.objects.filter(pk__in=[c.pk for c in changed]).update(status=new_status)
        now = timezone.now()
        ModerationEvent.objects.bulk_create(
            ModerationEvent(
                moderator=moderator,
                action=action,
                source=source,
                comment_id=c.pk,
                post_id=c.post_id,
                target_user_id=c.author_id,
                created_at=now,
            )
            for c in changed
        )
        for c in changed:
            c.status = new_status
    return len(changed)
