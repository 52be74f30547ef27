"""Pruning federation's records: seen signatures only once no replay could pass, finished deliveries and old
activities after FEDERATION_KEEP_DAYS, but never the activity that says what a post's followers were told."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from federation import outbox
from federation.keys import actor_for
from federation.models import Delivery, OutgoingActivity, RemoteFollower, SeenSignature
from posts.services import delete_post, update_post
from posts.tests.factories import PostFactory

from .signing import AP, cavage_headers, follow

pytestmark = pytest.mark.django_db


def prune() -> str:
    out = StringIO()
    call_command("prune_records", stdout=out)
    return out.getvalue()


def test_a_signature_is_remembered_as_long_as_its_request_could_be_replayed(client, blog, fake, settings):
    skew = timedelta(seconds=settings.FEDERATION_MAX_SKEW_SECONDS)
    sent = datetime.now(UTC)
    # Dated as far ahead as the skew allows: its date stays acceptable until nearly twice the skew from now.
    body = json.dumps(follow(fake)).encode()
    headers = cavage_headers(
        path="/@karen/inbox/",
        body=body,
        key_id=fake.key_id,
        private_key_pem=fake.private_key_pem,
        date=sent + skew - timedelta(minutes=1),
    )
    assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 202
    RemoteFollower.objects.all().delete()
    # The window runs from when the signature was seen, which on a busy machine is seconds after `sent`.
    seen = SeenSignature.objects.get().seen_at

    with freeze_time(seen + 2 * skew - timedelta(minutes=3)):
        assert "seen signatures: 0 deleted" in prune()
        assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 401
        assert not RemoteFollower.objects.exists()
    with freeze_time(seen + 2 * skew + timedelta(seconds=1)):
        assert "seen signatures: 1 deleted" in prune()
        # Its date is too old by now: forgetting the signature lets nothing through.
        assert client.post("/@karen/inbox/", body, content_type=AP, **headers).status_code == 401
    assert not SeenSignature.objects.exists()


def age(rows, days):
    rows.update(created_at=timezone.now() - timedelta(days=days))


def activity(actor, kind="Accept", post_id=None, days=0):
    row = OutgoingActivity.objects.create(actor=actor, kind=kind, post_id=post_id, payload={"type": kind})
    age(OutgoingActivity.objects.filter(pk=row.pk), days)
    return row


def test_finished_deliveries_go_after_the_setting_and_waiting_ones_stay(blog, settings):
    settings.FEDERATION_KEEP_DAYS = 30
    sent = activity(actor_for(blog))
    for n, status in enumerate(["delivered", "given_up", "queued"]):
        Delivery.objects.create(activity=sent, inbox=f"https://i{n}.example/inbox", status=status)
    age(Delivery.objects.all(), 31)
    Delivery.objects.create(activity=sent, inbox="https://new.example/inbox", status="delivered")

    assert "finished deliveries: 2 deleted" in prune()

    assert sorted(Delivery.objects.values_list("inbox", flat=True)) == [
        "https://i2.example/inbox",
        "https://new.example/inbox",
    ]


def test_old_activities_go_but_a_posts_last_one_stays_so_an_edit_is_still_an_update(blog, user, settings):
    settings.FEDERATION_KEEP_DAYS = 30
    actor = actor_for(blog)
    post = PostFactory(author=user, published_at=timezone.now() - timedelta(days=90))
    create = activity(actor, "Create", post.pk, days=90)
    update = activity(actor, "Update", post.pk, days=60)
    OutgoingActivity.objects.filter(pk=update.pk).update(version=post.updated_at)
    accept = activity(actor, "Accept", days=60)
    waiting = activity(actor, "Accept", days=60)
    Delivery.objects.create(activity=waiting, inbox="https://slow.example/inbox")
    gone = PostFactory(author=user)
    gone_create = activity(actor, "Create", gone.pk, days=60)
    gone_delete = activity(actor, "Delete", gone.pk, days=59)
    delete_post(post=gone)
    recent = activity(actor, "Accept", days=1)

    assert "outgoing activities: 4 deleted" in prune()

    assert set(OutgoingActivity.objects.values_list("pk", flat=True)) == {update.pk, waiting.pk, recent.pk}
    assert not OutgoingActivity.objects.filter(pk__in=[create.pk, accept.pk, gone_create.pk, gone_delete.pk])
    update_post(post=post, body="Changed, long after.")
    assert outbox.send_post_activity(post.pk) == "Update"
