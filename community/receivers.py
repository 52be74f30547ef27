"""What the community app hears from the others: a post going public starts its fan-out to followers; comments
posted and moderated fill the inboxes (inside the transaction that changed them)."""

from django.dispatch import receiver

from background.queue import enqueue_on_commit
from comments.signals import comment_posted, comments_moderated
from posts.signals import post_published

from . import services, tasks


@receiver(post_published, dispatch_uid="community.fan_out")
def post_went_public(sender, post, **kwargs):
    # Sent after the publishing transaction committed (by the editor, or by `publish_scheduled` when a scheduled
    # post's time comes): one task row, whatever the number of followers.
    enqueue_on_commit(tasks.fan_out_post, post.pk)


@receiver(comment_posted, dispatch_uid="community.comment_posted")
def comment_was_posted(sender, comment, **kwargs):
    services.notify_comment_posted(comment)


@receiver(comments_moderated, dispatch_uid="community.comments_moderated")
def comments_were_moderated(sender, comments, previous, **kwargs):
    services.notify_moderated(comments=comments, previous=previous)
