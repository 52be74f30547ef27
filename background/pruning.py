"""Pruning the records that would otherwise grow for ever: receipts of work done (finished tasks and deliveries,
sent mail, refused webmentions, seen signatures), kept only as long as they are useful.

Each app says what it prunes with `@register("name")` on a function of `(now, limit)` that deletes what is
due and returns how many rows it deleted; the app imports its pruners in its AppConfig.ready, so this module
imports no app. Two things run every pruner:

- `manage.py prune_records`, run daily from cron, which deletes everything due, batch after batch;
- `prune_now_and_then()`, called by the tasks that write such records: at most once per PRUNE_EVERY_SECONDS
  (a key in the shared cache decides) it queues the `prune_records` task, which deletes up to PRUNE_BATCH rows
  per pruner. So the tables stay small on a site whose operator never set up cron, and no request waits for it.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .queue import enqueue_on_commit

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 3600
PRUNE_BATCH = 1000
CACHE_KEY = "background:pruned-recently"

Pruner = Callable[[datetime, int | None], int]
PRUNERS: dict[str, Pruner] = {}


def register(name: str) -> Callable[[Pruner], Pruner]:
    def add(function: Pruner) -> Pruner:
        PRUNERS[name] = function
        return function

    return add


def delete_in_batches(queryset: QuerySet, *, limit: int | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete the rows of `queryset`, `batch` at a time (two queries each), at most `limit` of them (None: all);
    returns how many. Batches keep each transaction, and each lock on SQLite, short."""
    deleted = 0
    while limit is None or deleted < limit:
        size = batch if limit is None else min(batch, limit - deleted)
        pks = list(queryset.values_list("pk", flat=True)[:size])
        if not pks:
            break
        queryset.model.objects.filter(pk__in=pks).delete()
        deleted += len(pks)
        if len(pks) < size:
            break
    return deleted


def prune_all(*, limit: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Run every registered pruner (each deleting at most `limit` rows; None: all that are due); returns how
    many rows each deleted, by name."""
    now = now or timezone.now()
    return {name: pruner(now, limit) for name, pruner in sorted(PRUNERS.items())}


def prune_now_and_then() -> bool:
    """Queue one pruning run if none was queued in the last PRUNE_EVERY_SECONDS; returns whether it did. One
    cache round trip, and one query on the database queue when it queues."""
    from .tasks import prune_records

    try:
        due = cache.add(CACHE_KEY, True, timeout=PRUNE_EVERY_SECONDS)
    except Exception:
        logger.warning("Could not read the cache to plan pruning", exc_info=True)
        return False
    if due:
        enqueue_on_commit(prune_records)
    return due


@register("finished tasks")
def prune_task_results(now, limit: int | None) -> int:
    """Delete the database queue's tasks that succeeded or failed more than TASKS_KEEP_DAYS ago (the admin
    shows them until then); tasks waiting or running always stay. Nothing to do on the other backends."""
    old = DBTaskResult.objects.finished().filter(finished_at__lt=now - timedelta(days=settings.TASKS_KEEP_DAYS))
    return delete_in_batches(old, limit=limit)
