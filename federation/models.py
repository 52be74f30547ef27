"""The fediverse side of a blog: its actor's keys, the remote actors it knows, who follows it from other
instances, and how deliveries to those instances are going (which are blocked is blocklist's to say)."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blocklist.models import BlockedSite

from .failures import DELIVERY_FAILURES


class Actor(models.Model):
    """A blog as an ActivityPub actor: its key pair, made the first time it is needed, and whether the blog
    takes part in federation at all (its owner may opt out)."""

    blog = models.OneToOneField("posts.Blog", on_delete=models.CASCADE, related_name="actor")
    is_federated = models.BooleanField(
        _("on the fediverse"),
        default=True,
        help_text=_("Let people on Mastodon and other fediverse sites follow this blog and reply to its posts."),
    )
    # PEM; the private key never leaves the server (it signs what the blog sends).
    public_key_pem = models.TextField(editable=False)
    private_key_pem = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self):
        return f"actor of {self.blog}"


class Instance(models.Model):
    """Another fediverse server, by domain, and how deliveries to it are going."""

    domain = models.CharField(max_length=255, unique=True)
    # Deliveries: the first failure since the last success (empty while it answers), and the last success.
    failing_since = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class RemoteActor(models.Model):
    """Someone on another instance, as their actor document last said (fetched and cached)."""

    uri = models.URLField(max_length=500, unique=True)
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="actors")
    username = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    icon_url = models.URLField(max_length=500, blank=True)
    # Their picture as this site keeps it (accounts/remote_avatars.py); pages never show `icon_url` itself.
    avatar = models.ForeignKey(
        "accounts.RemoteAvatar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    key_id = models.CharField(max_length=500, blank=True, db_index=True)
    public_key_pem = models.TextField(blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remote actor")
        verbose_name_plural = _("remote actors")
        ordering = ["uri"]

    def __str__(self):
        return self.handle or self.uri

    @property
    def handle(self) -> str:
        return f"@{self.username}@{self.instance.domain}" if self.username else ""

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class RemoteFollower(models.Model):
    """A remote actor following a blog: what the blog publishes is delivered to them."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="followers")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="following")
    follow_id = models.URLField(_("Follow activity"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remote follower")
        verbose_name_plural = _("remote followers")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["actor", "remote"], name="federation_follow_once")]

    def __str__(self):
        return f"{self.remote} → {self.actor.blog}"


class BlockedActor(models.Model):
    """A remote actor a blog's owner refuses: their activities to the blog are refused and what they sent
    it is hidden."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="blocks")
    uri = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked actor")
        verbose_name_plural = _("blocked actors")
        constraints = [models.UniqueConstraint(fields=["actor", "uri"], name="federation_block_once")]

    def __str__(self):
        return self.uri


class SeenSignature(models.Model):
    """An incoming request's signature, kept for the allowed clock skew so that the same signed request
    sent again is refused (its date would still be accepted)."""

    digest = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("seen signature")
        verbose_name_plural = _("seen signatures")

    def __str__(self):
        return self.digest


class OutgoingActivity(models.Model):
    """An activity a blog sends (Create, Update, Delete, Accept), kept for its deliveries to read.

    For a post's activities, `post_id` (a plain number: the post may be gone) and `version` (the post's
    `updated_at` when sent) say what followers were last told of it, so that the next change sends the
    right one: Create when it becomes public, Update when it changes, Delete when it leaves.
    """

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20)
    post_id = models.BigIntegerField(null=True, blank=True)
    version = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing activity")
        verbose_name_plural = _("outgoing activities")
        indexes = [models.Index(fields=["post_id", "-id"], name="federation_activity_post")]

    def __str__(self):
        return f"{self.payload.get('type', '?')} {self.payload.get('id', '')}"


class Delivery(models.Model):
    """One activity to one inbox, until it is delivered or given up."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("delivery status", "Waiting")
        DELIVERED = "delivered", pgettext_lazy("delivery status", "Delivered")
        GIVEN_UP = "given_up", pgettext_lazy("delivery status", "Given up")

    activity = models.ForeignKey(OutgoingActivity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the last try failed, as a code and parameters (federation.failures), put into words when shown.
    failure = models.JSONField(default=dict, blank=True)
    # The same as English text, as deliveries wrote it before `failure`: kept for those rows.
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["activity", "inbox"], name="federation_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "delivered", "given_up"]), name="federation_delivery_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.activity} → {self.inbox}"

    @property
    def error_text(self) -> str:
        """Why the last try failed, in the active language ("" when it did not)."""
        return DELIVERY_FAILURES.text(self.failure) if self.failure else self.last_error


class RemoteNote(models.Model):
    """A reply from the fediverse that became a comment: the note it came from and who wrote it, so that only
    they may edit or delete it."""

    comment = models.OneToOneField("comments.Comment", on_delete=models.CASCADE, related_name="remote_note")
    note_id = models.URLField(max_length=500, unique=True)
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="notes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remote note")
        verbose_name_plural = _("remote notes")

    def __str__(self):
        return self.note_id


class ReactionQuerySet(models.QuerySet):
    def counted(self):
        """Reactions that count: none from a blocked site, nor from an account the post's blog blocked
        (blocking removes them as well; this keeps a count right whatever the order of events)."""
        blocked_by_blog = BlockedActor.objects.filter(
            actor__blog__owner_id=OuterRef("post__author_id"), uri=OuterRef("remote__uri")
        )
        return self.exclude(Exists(BlockedSite.objects.covering(OuterRef("remote__instance__domain")))).exclude(
            Exists(blocked_by_blog)
        )

    def counts_for(self, post) -> dict[str, int]:
        """How many likes and boosts count on `post`: `{"like": n, "announce": n}` (one query; a count of no
        rows is 0)."""
        kinds = {kind: Count("pk", filter=Q(kind=kind)) for kind in Reaction.Kind.values}
        return self.filter(post=post).counted().aggregate(**kinds)


class Reaction(models.Model):
    """A like or a boost of a post from the fediverse, one of each per remote actor."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        ANNOUNCE = "announce", _("Boost")

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="reactions")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    activity_id = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "remote", "kind"], name="federation_reaction_once"),
            models.CheckConstraint(condition=Q(kind__in=["like", "announce"]), name="federation_reaction_kind_valid"),
        ]

    def __str__(self):
        return f"{self.kind} of {self.post_id} by {self.remote}"
