"""What federation keeps only for a while (see background/pruning.py): seen signatures, finished deliveries,
and the activities they carried."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery

from background.pruning import delete_in_batches, register
from posts.models import Post

from .models import Delivery, OutgoingActivity, SeenSignature
from .outbox import POST_KINDS


def replay_window() -> timedelta:
    """How long a seen signature must be remembered: a request dated up to the skew ahead of now stays
    acceptable until the skew after its date, so twice the skew after it was first seen."""
    return timedelta(seconds=2 * settings.FEDERATION_MAX_SKEW_SECONDS)


def expired_signatures(now: datetime):
    """The seen signatures that may be forgotten: seen longer ago than the replay window, never one inside it."""
    return SeenSignature.objects.filter(seen_at__lt=now - replay_window())


@register("seen signatures")
def prune_seen_signatures(now: datetime, limit: int | None = None) -> int:
    return delete_in_batches(expired_signatures(now), limit=limit)


@register("finished deliveries")
def prune_deliveries(now: datetime, limit: int | None = None) -> int:
    """Delete deliveries delivered or given up more than FEDERATION_KEEP_DAYS ago (a waiting one stays)."""
    old = Delivery.objects.filter(
        status__in=[Delivery.Status.DELIVERED, Delivery.Status.GIVEN_UP],
        created_at__lt=now - timedelta(days=settings.FEDERATION_KEEP_DAYS),
    )
    return delete_in_batches(old, limit=limit)


@register("outgoing activities")
def prune_activities(now: datetime, limit: int | None = None) -> int:
    """Delete activities older than FEDERATION_KEEP_DAYS with no delivery still waiting, except the last one
    sent for each post that still exists: it says what the followers were told (outbox.send_post_activity
    reads it to choose Create, Update or Delete), and losing it would announce an edit as a new post."""
    newest = OutgoingActivity.objects.filter(post_id=OuterRef("post_id"), kind__in=POST_KINDS).order_by("-pk")
    still_told = Q(kind__in=POST_KINDS, pk=Subquery(newest.values("pk")[:1])) & Exists(
        Post.objects.filter(pk=OuterRef("post_id"))
    )
    waiting = Delivery.objects.filter(activity=OuterRef("pk"), status=Delivery.Status.QUEUED)
    old = (
        OutgoingActivity.objects.filter(created_at__lt=now - timedelta(days=settings.FEDERATION_KEEP_DAYS))
        .exclude(Exists(waiting))
        .exclude(still_told)
    )
    return delete_in_batches(old, limit=limit)
