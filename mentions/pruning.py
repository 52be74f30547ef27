"""What the webmention side keeps only for a while (see background/pruning.py): receipts of requests refused,
removed or never verified, and finished sends for posts or links that are gone."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from background.pruning import delete_in_batches, register

from .models import Outgoing, Receipt


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.WEBMENTION_KEEP_DAYS)


@register("webmention receipts")
def prune_receipts(now: datetime, limit: int | None = None) -> int:
    """Delete receipts older than WEBMENTION_KEEP_DAYS that led to no mention: refused, their mention
    removed, or still waiting (their verification was lost). An accepted one stays with its mention."""
    old = Receipt.objects.filter(
        state__in=[Receipt.State.REFUSED, Receipt.State.DELETED, Receipt.State.QUEUED], updated_at__lt=_cutoff(now)
    )
    return delete_in_batches(old, limit=limit)


@register("finished webmention sends")
def prune_outgoing(now: datetime, limit: int | None = None) -> int:
    """Delete sends finished more than WEBMENTION_KEEP_DAYS ago whose post is gone or no longer links to the
    target: they have told it all they will. A post's live links stay (they say what was sent for which
    version)."""
    old = Outgoing.objects.filter(Q(post__isnull=True) | Q(is_linked=False), updated_at__lt=_cutoff(now)).exclude(
        status=Outgoing.Status.QUEUED
    )
    return delete_in_batches(old, limit=limit)
