"""What federation hears from posts: any change to a post (saved, published when its time came, deleted)
queues one task that tells the blog's followers what they have not heard yet (see outbox.py)."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from background.queue import enqueue_many_on_commit, enqueue_on_commit
from blocklist.models import BlockedSite
from comments.models import Comment
from comments.signals import comment_posted, comments_moderated
from posts.models import Post
from posts.signals import post_published

from . import moderation, tasks


@receiver(post_save, sender=Post, dispatch_uid="federation.post_saved")
@receiver(post_delete, sender=Post, dispatch_uid="federation.post_deleted")
@receiver(post_published, dispatch_uid="federation.post_published")
def post_changed(sender, **kwargs):
    post = kwargs.get("post") or kwargs.get("instance")
    if not settings.FEDERATION or post.published_at is None:
        return
    # A post saved for the first time as a draft (an import's posts wait as drafts) has told nobody anything.
    if kwargs.get("created") and post.status == Post.Status.DRAFT:
        return
    enqueue_on_commit(tasks.send_post, post.pk)


@receiver(post_save, sender=BlockedSite, dispatch_uid="federation.site_blocked")
def site_blocked(sender, instance, **kwargs):
    # Staff blocked a site (in the admin): what its instances (its subdomains' too) sent leaves the site.
    moderation.hide_sent_by(sites=BlockedSite.objects.filter(pk=instance.pk))


@receiver(comment_posted, dispatch_uid="federation.comment_posted")
def comment_was_posted(sender, comment, **kwargs):
    # A reply here to a reply from the fediverse goes back to its author (see replies.send_answer); a held one
    # stays here.
    if settings.FEDERATION and comment.parent_id and comment.status == Comment.Status.APPROVED:
        enqueue_on_commit(tasks.send_answer, comment.pk)


@receiver(comments_moderated, dispatch_uid="federation.comments_moderated")
def comments_were_moderated(sender, comments, previous, **kwargs):
    # A held answer to a reply from the fediverse goes back to its author once approved (one query).
    approved = [
        c.pk
        for c in comments
        if c.parent_id and c.status == Comment.Status.APPROVED and previous.get(c.pk) == Comment.Status.PENDING
    ]
    if settings.FEDERATION and approved:
        answers = Comment.objects.filter(pk__in=approved, parent__remote_note__isnull=False).values_list("pk")
        enqueue_many_on_commit(tasks.send_answer, answers)
