"""What the moderation app hears from the others: every decision on comments goes in its log.

A comment's status is changed by the comments app (`comments.services.decide_comments`), which the moderation
services call and which the comments app also calls itself when a post's author removes a comment from under
their post. The comments app sits below this one and may not import it, so it announces each decision with
`comments_moderated`, inside its transaction, and the log is written here: one writer for every comment
decision, whoever made it, committed or rolled back with the decision itself.
"""

from django.dispatch import receiver
from django.utils import timezone

from comments.signals import comments_moderated

from .models import ModerationEvent


@receiver(comments_moderated, dispatch_uid="moderation.record_comment_decisions")
def record_comment_decisions(sender, comments, previous, action, moderator, source, **kwargs):
    """One event per comment that changed, with its status before, all at one time (one bulk insert)."""
    now = timezone.now()
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            moderator=moderator,
            action=action,
            source=source,
            comment_id=c.pk,
            post_id=c.post_id,
            target_user_id=c.author_id,
            previous_status=previous[c.pk],
            created_at=now,
        )
        for c in comments
    )
