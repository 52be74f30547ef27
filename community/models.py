"""Who follows which blog (members, and guests by email), and each member's inbox."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from posts.models import published_q


class Delivery(models.TextChoices):
    """How a follower hears of a new post."""

    INSTANT = "instant", _("Email at once")
    DIGEST = "digest", _("Weekly digest email")
    INBOX = "inbox", _("Inbox only")


class Follow(models.Model):
    """A member following a blog: its new posts reach their inbox, and their mail as `delivery` says."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    blog = models.ForeignKey("posts.Blog", on_delete=models.CASCADE, related_name="follows")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.INSTANT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "follower"], name="community_follow_once"),
            models.CheckConstraint(
                condition=Q(delivery__in=["instant", "digest", "inbox"]), name="community_follow_delivery_valid"
            ),
        ]
        indexes = [models.Index(fields=["follower", "-created_at"], name="community_follows_of_user")]

    def __str__(self):
        return f"{self.follower} follows {self.blog}"


class GuestSubscription(models.Model):
    """A visitor without an account who asked for a blog's new posts by email. Nothing is sent to the
    address but the one confirmation mail until its owner follows the link in it (`confirmed_at`)."""

    blog = models.ForeignKey("posts.Blog", on_delete=models.CASCADE, related_name="guest_subscriptions")
    email = models.EmailField()
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.INSTANT)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The newest post a digest has told this guest about: the next digest starts after it.
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # The language of the page they subscribed from, which every mail to them speaks (empty: the site's).
    language = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("guest subscription")
        verbose_name_plural = _("guest subscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "email"], name="community_guest_subscription_once"),
            models.CheckConstraint(
                condition=Q(delivery__in=["instant", "digest"]), name="community_guest_delivery_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["blog"], name="community_confirmed_guests", condition=Q(confirmed_at__isnull=False))
        ]

    def __str__(self):
        return f"{self.email} → {self.blog}"


class NotificationQuerySet(models.QuerySet):
    def visible(self):
        """Entries whose post is public and whose comment the recipient may still see: replies that are
        approved, comments on their own posts that are approved or wait for them; costs no query."""
        return self.filter(published_q("post__")).filter(
            Q(kind__in=[Notification.Kind.POST, Notification.Kind.APPROVED, Notification.Kind.REMOVED])
            | Q(kind=Notification.Kind.REPLY, comment__status="approved")
            | Q(kind=Notification.Kind.COMMENT, comment__status__in=["approved", "pending"])
        )

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_listing(self):
        """Newest first, with the post, its blog's owner and the comment with its author (one query a page)."""
        return self.select_related("post__author", "comment__author", "actor").order_by("-created_at", "-pk")


class Notification(models.Model):
    """One entry of a member's inbox."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to your comment")
        COMMENT = "comment", _("Comment on your post")
        APPROVED = "approved", _("Your comment was approved")
        REMOVED = "removed", _("Your comment was removed")
        POST = "post", _("New post on a blog you follow")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Who caused it (the commenter, the blogger), when someone did; moderators stay unnamed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the recipient's next weekly digest mail.
    in_digest = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One entry per event and recipient, so that a task run twice adds nothing.
            models.UniqueConstraint(
                fields=["recipient", "kind", "comment"],
                condition=Q(comment__isnull=False),
                name="community_notification_once_per_comment",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "post"],
                condition=Q(comment__isnull=True),
                name="community_notification_once_per_post",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["reply", "comment", "approved", "removed", "post"]),
                name="community_notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="community_inbox"),
            # The header's unread count reads only this.
            models.Index(fields=["recipient"], name="community_inbox_unread", condition=Q(read_at__isnull=True)),
            models.Index(fields=["recipient"], name="community_inbox_digest", condition=Q(in_digest=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    def get_absolute_url(self):
        if self.comment_id:
            return reverse("comments:locate", args=[self.comment_id])
        return self.post.get_absolute_url()

    @property
    def title(self) -> str:
        """One line saying what happened (no query when the entry comes with its post and actor)."""
        names = {"actor": self.actor.name if self.actor_id else gettext("Someone"), "title": self.post.title}
        return {
            self.Kind.REPLY: gettext("%(actor)s replied to your comment on “%(title)s”"),
            self.Kind.COMMENT: gettext("%(actor)s commented on “%(title)s”"),
            self.Kind.APPROVED: gettext("Your comment on “%(title)s” was approved"),
            self.Kind.REMOVED: gettext("Your comment on “%(title)s” was removed"),
            self.Kind.POST: gettext("New post by %(actor)s: “%(title)s”"),
        }[self.kind] % names


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class InboxFeed(models.Model):
    """The secret address of a member's inbox as an Atom feed. Making a new one revokes the old one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_feed")
    key = models.CharField(max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inbox feed")
        verbose_name_plural = _("inbox feeds")

    def __str__(self):
        return f"Inbox feed of {self.user}"

    def get_absolute_url(self):
        return reverse("community:inbox_feed", kwargs={"key": self.key})
