"""Sending activities: one Delivery row and one task per inbox, signed with the blog's key as Mastodon expects.

A post's followers on one instance share its shared inbox, so an instance with a thousand followers of a
blog gets one delivery. A delivery that fails (no answer, a 5xx or 429) is tried again after
FEDERATION_RETRY_SECONDS, doubling each time, FEDERATION_MAX_ATTEMPTS times in all; an instance that has
failed every delivery for FEDERATION_GIVE_UP_DAYS is given up: nothing more is sent to it until it sends
a signed activity again (a new Follow, say; see inbox.receive).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from background.queue import backoff, enqueue_later_on_commit, enqueue_many_on_commit
from blocklist.models import BlockedSite
from blogsite import fetch as guarded
from blogsite.fetch import FetchError
from blogsite.sentences import fetch_failure, reason

from . import documents
from .models import Actor, Delivery, Instance, OutgoingActivity, RemoteFollower
from .remote import domain_of, instance_for
from .signatures import sign_request

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=6)


def follower_inboxes(actor: Actor) -> list[str]:
    """Where to deliver to `actor`'s followers: each instance's shared inbox, else each follower's own, none on
    a blocked site (one query)."""
    return list(
        RemoteFollower.objects.filter(actor=actor)
        .exclude(Exists(BlockedSite.objects.covering(OuterRef("remote__instance__domain"))))
        .annotate(target=Coalesce(NullIf(F("remote__shared_inbox"), Value("")), F("remote__inbox")))
        .values_list("target", flat=True)
        .order_by("target")
        .distinct()
    )


def send(
    *,
    actor: Actor,
    payload: dict,
    kind: str,
    inboxes: list[str] | None = None,
    post_id: int | None = None,
    version=None,
) -> OutgoingActivity:
    """Keep `payload` and queue its delivery to `inboxes` (default: the followers'). Four queries, however
    many inboxes: the activity, the inboxes, one INSERT of deliveries and one of tasks."""
    from .tasks import deliver

    activity = OutgoingActivity.objects.create(
        actor=actor, kind=kind, post_id=post_id, version=version, payload=payload
    )
    targets = follower_inboxes(actor) if inboxes is None else inboxes
    rows = Delivery.objects.bulk_create([Delivery(activity=activity, inbox=inbox) for inbox in targets])
    enqueue_many_on_commit(deliver, [(row.pk,) for row in rows])
    return activity


def retry_delay(attempts: int) -> timedelta:
    return backoff(attempts, first_seconds=settings.FEDERATION_RETRY_SECONDS, most=MAX_RETRY_DELAY)


def is_given_up(instance: Instance, now) -> bool:
    return instance.failing_since is not None and now - instance.failing_since > timedelta(
        days=settings.FEDERATION_GIVE_UP_DAYS
    )


def deliver(delivery_id: int) -> str:
    """Post one delivery's activity to its inbox, signed; returns what became of it."""
    row = (
        Delivery.objects.select_related("activity__actor__blog__owner")
        .filter(pk=delivery_id, status=Delivery.Status.QUEUED)
        .first()
    )
    if row is None:
        return "done"
    now = timezone.now()
    instance = instance_for(domain_of(row.inbox))
    # Blocked after the delivery was queued: it goes no further.
    if BlockedSite.objects.blocks(instance.domain):
        _finish(row, Delivery.Status.GIVEN_UP, reason("site_blocked"))
        return "given up"
    if is_given_up(instance, now):
        _finish(row, Delivery.Status.GIVEN_UP, reason("instance_gone"))
        return "given up"
    actor = row.activity.actor
    body = json.dumps(row.activity.payload).encode()
    headers = sign_request(
        method="POST",
        url=row.inbox,
        body=body,
        key_id=documents.key_id(actor.blog.owner.username),
        private_key_pem=actor.private_key_pem,
    )
    headers.pop("Host")
    headers["User-Agent"] = "Blogsite (ActivityPub)"
    try:
        response = guarded.fetch(
            row.inbox,
            method="POST",
            headers=headers,
            body=body,
            max_bytes=64 * 1024,
            timeout=settings.FEDERATION_FETCH_TIMEOUT,
        )
        status, failure = response.status, reason("answered", status=response.status)
    except FetchError as exc:
        status, failure = 0, fetch_failure(exc)
    row.attempts += 1
    if 200 <= status < 300:
        Instance.objects.filter(pk=instance.pk).update(failing_since=None, failures=0, last_success_at=now)
        _finish(row, Delivery.Status.DELIVERED, {})
        return "delivered"
    if 400 <= status < 500 and status not in (408, 429):
        # The instance answered: it is alive, and it will not take this activity however often it is sent.
        Instance.objects.filter(pk=instance.pk).update(failing_since=None, failures=0)
        _finish(row, Delivery.Status.GIVEN_UP, failure)
        return "refused"
    Instance.objects.filter(pk=instance.pk).update(
        failing_since=Coalesce(F("failing_since"), Value(now)), failures=F("failures") + 1
    )
    if row.attempts >= settings.FEDERATION_MAX_ATTEMPTS:
        _finish(row, Delivery.Status.GIVEN_UP, failure)
        return "given up"
    row.failure, row.last_error = failure, ""
    row.save(update_fields=["attempts", "failure", "last_error"])
    schedule_retry(row)
    return "retried"


def _finish(row: Delivery, status: str, failure: dict) -> None:
    row.status = status
    row.failure, row.last_error = failure, ""
    row.delivered_at = timezone.now() if status == Delivery.Status.DELIVERED else None
    row.save(update_fields=["status", "attempts", "failure", "last_error", "delivered_at"])


def schedule_retry(row: Delivery) -> None:
    """Queue `row` again after its backoff. A backend that cannot defer (the immediate one of development)
    leaves it queued, for `manage.py deliver_activities` to send."""
    from .tasks import deliver

    if not enqueue_later_on_commit(deliver, timezone.now() + retry_delay(row.attempts), row.pk):
        logger.warning("The task backend cannot schedule retries: run `manage.py deliver_activities` to send them")
