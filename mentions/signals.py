"""The mentions app's signal, and what it does when posts are published, changed, unpublished or deleted."""

from django.db.models.signals import pre_delete
from django.dispatch import Signal, receiver

from posts.models import Post
from posts.signals import post_published, post_updated, post_withdrawn

# Sent when mentions change status in bulk (moderation), in the transaction that changed them. Arguments:
# `sender` (the Mention class), `post_ids` (a set). Cache invalidation connects here.
mentions_changed = Signal()


@receiver(post_published, dispatch_uid="mentions.send_on_publish")
@receiver(post_updated, dispatch_uid="mentions.send_on_update")
@receiver(post_withdrawn, dispatch_uid="mentions.send_on_withdrawal")
def queue_webmentions(sender, post, **kwargs):
    from background.queue import enqueue_on_commit

    from .services import blog_takes_webmentions
    from .tasks import plan_webmentions

    if blog_takes_webmentions(post.author):
        enqueue_on_commit(plan_webmentions, post.pk)


@receiver(pre_delete, sender=Post, dispatch_uid="mentions.send_on_delete")
def queue_gone_on_delete(sender, instance, **kwargs):
    # Before the post goes: its address is still known, and its rows, kept without it, are queued in the
    # transaction that deletes it.
    from .services import queue_gone_webmentions

    if instance.is_public:
        queue_gone_webmentions(instance)
