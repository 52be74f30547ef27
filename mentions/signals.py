"""The mentions app's signal, and what it does when posts are published or changed."""

from django.dispatch import Signal, receiver

from posts.signals import post_published, post_updated

# Sent when mentions change status in bulk (moderation), in the transaction that changed them. Arguments:
# `sender` (the Mention class), `post_ids` (a set). Cache invalidation connects here.
mentions_changed = Signal()


@receiver(post_published, dispatch_uid="mentions.send_on_publish")
@receiver(post_updated, dispatch_uid="mentions.send_on_update")
def queue_webmentions(sender, post, **kwargs):
    from background.queue import enqueue_on_commit

    from .services import blog_takes_webmentions
    from .tasks import plan_webmentions

    if blog_takes_webmentions(post.author):
        enqueue_on_commit(plan_webmentions, post.pk)
