"""Webmentions (https://www.w3.org/TR/webmention/): pages elsewhere that link to a post here, received and
verified in the background and shown under the post once approved; and the ones this site sends for the
links in its own posts."""

import uuid

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blocklist.models import BlockedSite
from posts.models import Post

from .failures import RECEIPT_FAILURES, SENDING_FAILURES


class MentionQuerySet(models.QuerySet):
    def unblocked(self):
        """Mentions whose source is not on a blocked site (a subquery, no query of its own)."""
        return self.exclude(Exists(BlockedSite.objects.covering(OuterRef("source_host"))))

    def approved(self):
        return self.filter(status=Mention.Status.APPROVED).unblocked()

    def awaiting_moderation_by(self, owner):
        """Pending mentions of `owner`'s posts, oldest first, with their posts (staff see all in the admin)."""
        return (
            self.filter(status=Mention.Status.PENDING, post__author=owner)
            .unblocked()
            .select_related("post", "post__author")
            .order_by("created_at", "pk")
        )


class Mention(models.Model):
    """A verified webmention of a post: the page at `source` links to it. One per post and source; the
    same source sending again updates it."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        LIKE = "like", _("Like")
        REPOST = "repost", _("Repost")
        MENTION = "mention", _("Mention")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    source = models.URLField(max_length=2000)
    source_host = models.CharField(max_length=253, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MENTION)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    author_name = models.CharField(max_length=200, blank=True)
    author_url = models.URLField(max_length=2000, blank=True)
    # The author's h-card `photo`, fetched and kept here (accounts/remote_avatars.py), never shown from there.
    author_avatar = models.ForeignKey(
        "accounts.RemoteAvatar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300, blank=True)
    # The source's content, sanitized with the comment allow-list.
    content_html = models.TextField(blank=True)
    excerpt = models.CharField(max_length=500, blank=True)
    # When the source says it was written, if it does.
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "source"], name="mentions_mention_one_per_source"),
            models.CheckConstraint(
                condition=Q(kind__in=["reply", "like", "repost", "mention"]), name="mentions_mention_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]), name="mentions_mention_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["post", "status"], name="mentions_mention_post_status")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.post_id} from {self.source}"

    def get_absolute_url(self):
        return self.source

    @property
    def display_name(self) -> str:
        return self.author_name or self.source_host


class Receipt(models.Model):
    """One webmention request received: what it asked, and what verifying it found (its status page)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be verified")
        ACCEPTED = "accepted", _("Verified: the source links to the target")
        DELETED = "deleted", _("The source no longer links to the target (or is gone): the mention was removed")
        REFUSED = "refused", _("Refused")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    source = models.URLField(max_length=2000)
    target = models.URLField(max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # Why it was refused or its mention removed, as a code and parameters (mentions.failures), put into words
    # in the reader's language when shown.
    failure = models.JSONField(default=dict, blank=True)
    # The same as English text, as receipts wrote it before `failure`: kept for those rows.
    reason = models.CharField(max_length=300, blank=True)
    mention = models.ForeignKey(Mention, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webmention request")
        verbose_name_plural = _("webmention requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.source} → {self.target} ({self.state})"

    def get_absolute_url(self):
        return reverse("mentions:status", kwargs={"token": self.token})

    @property
    def reason_text(self) -> str:
        """Why it was refused or its mention removed, in the active language ("" when accepted or queued)."""
        return RECEIPT_FAILURES.text(self.failure) if self.failure else self.reason


class Outgoing(models.Model):
    """A webmention this site sends: post `post` linked (or, once removed, used to link) to `target`. A deleted
    post's rows stay (`post` empty) while they tell their targets it is gone."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("webmention status", "Queued")
        SENT = "sent", pgettext_lazy("webmention status", "Sent")
        NO_ENDPOINT = "no_endpoint", _("The target has no webmention endpoint")
        FAILED = "failed", pgettext_lazy("webmention status", "Failed")

    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The post's address when the webmention was queued: what is sent as `source`, the post gone or not.
    source = models.URLField(max_length=2000, blank=True)
    target = models.URLField(max_length=2000)
    # Whether the post still links to the target: a link removed by an edit is notified once more.
    is_linked = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    endpoint = models.URLField(max_length=2000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the last try failed, as a code and parameters (mentions.failures), put into words when shown.
    failure = models.JSONField(default=dict, blank=True)
    # The same as English text, as sends wrote it before `failure`: kept for those rows.
    last_error = models.CharField(max_length=300, blank=True)
    # The version of the post (its `updated_at`) last queued for sending, so that it is sent once per version;
    # empty once the target was told the post is gone (deleted, or a draft again).
    version = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sent webmention")
        verbose_name_plural = _("sent webmentions")
        constraints = [
            models.UniqueConstraint(fields=["post", "target"], name="mentions_outgoing_one_per_target"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "no_endpoint", "failed"]),
                name="mentions_outgoing_status_valid",
            ),
        ]

    def __str__(self):
        # A deleted post's rows are named by the address they tell is gone.
        return f"{self.post_id or self.source} → {self.target} ({self.status})"

    @property
    def error_text(self) -> str:
        """Why the last try failed, in the active language ("" when it did not)."""
        return SENDING_FAILURES.text(self.failure) if self.failure else self.last_error
