"""Delivery to followers: one per shared inbox, in a constant number of queries, retried with backoff, and
given up for an instance that has been failing for days."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blocklist.models import BlockedSite
from federation import delivery, outbox
from federation.keys import actor_for
from federation.models import Delivery, Instance, OutgoingActivity, RemoteActor, RemoteFollower
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def add_followers(actor, *, instances: int, per_instance: int, shared=True):
    rows = []
    for n in range(instances):
        host = f"https://i{n}.example"
        instance = Instance.objects.create(domain=f"i{n}.example")
        for m in range(per_instance):
            remote = RemoteActor.objects.create(
                uri=f"{host}/users/u{n}-{m}",
                instance=instance,
                inbox=f"{host}/users/u{n}-{m}/inbox",
                shared_inbox=f"{host}/inbox" if shared else "",
            )
            rows.append(RemoteFollower(actor=actor, remote=remote))
    RemoteFollower.objects.bulk_create(rows)


def test_followers_on_one_instance_share_one_delivery(blog):
    actor = actor_for(blog)
    add_followers(actor, instances=3, per_instance=4)

    assert delivery.follower_inboxes(actor) == [f"https://i{n}.example/inbox" for n in range(3)]


def test_a_follower_without_a_shared_inbox_gets_it_in_their_own(blog):
    actor = actor_for(blog)
    add_followers(actor, instances=1, per_instance=2, shared=False)

    assert len(delivery.follower_inboxes(actor)) == 2


def test_nothing_goes_to_a_blocked_instance(blog):
    actor = actor_for(blog)
    add_followers(actor, instances=2, per_instance=1)
    BlockedSite.objects.create(domain="i0.example")

    assert delivery.follower_inboxes(actor) == ["https://i1.example/inbox"]


@pytest.mark.parametrize(("instances", "per_instance"), [(1, 1), (20, 5)])
def test_telling_followers_costs_the_same_queries_for_any_number(
    blog, user, settings, instances, per_instance, django_assert_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    actor = actor_for(blog)
    add_followers(actor, instances=instances, per_instance=per_instance)
    post = PostFactory(author=user)

    with django_assert_num_queries(9):
        assert outbox.send_post_activity(post.pk) == "Create"

    assert Delivery.objects.count() == instances
    assert DBTaskResult.objects.filter(task_path="federation.tasks.deliver").count() == instances


def test_a_post_changed_twice_in_one_go_is_sent_once(blog, user):
    actor = actor_for(blog)
    add_followers(actor, instances=1, per_instance=1)
    post = PostFactory(author=user)

    assert outbox.send_post_activity(post.pk) == "Create"
    assert outbox.send_post_activity(post.pk) == "unchanged"
    post.title = "Changed"
    post.save()
    assert outbox.send_post_activity(post.pk) == "Update"


def test_federation_off_sends_nothing(blog, user, settings):
    actor_for(blog)
    settings.FEDERATION = False
    post = PostFactory(author=user)

    assert outbox.send_post_activity(post.pk) == "federation is off"
    assert not OutgoingActivity.objects.exists()


def queued_delivery(blog, inbox):
    activity = OutgoingActivity.objects.create(actor=actor_for(blog), kind="Create", payload={"type": "Create"})
    return Delivery.objects.create(activity=activity, inbox=inbox)


def test_a_failed_delivery_is_retried_later_and_the_instance_marked_failing(blog, settings, fake):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    fake.inbox_status = 503
    row = queued_delivery(blog, f"{fake.base}/inbox")

    assert delivery.deliver(row.pk) == "retried"

    row.refresh_from_db()
    assert row.status == "queued" and row.attempts == 1
    instance = Instance.objects.get(domain="127.0.0.1")
    assert instance.failing_since is not None and instance.failures == 1
    retry = DBTaskResult.objects.get(task_path="federation.tasks.deliver")
    assert retry.run_after > timezone.now() + timedelta(seconds=30)


def test_retries_wait_longer_each_time(settings):
    settings.FEDERATION_RETRY_SECONDS = 60

    assert [delivery.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert delivery.retry_delay(30) == timedelta(hours=6)


def test_an_instance_failing_for_days_is_given_up_until_it_answers_again(blog, settings, fake):
    settings.FEDERATION_GIVE_UP_DAYS = 7
    Instance.objects.create(domain="127.0.0.1", failing_since=timezone.now() - timedelta(days=8), failures=40)
    row = queued_delivery(blog, f"{fake.base}/inbox")

    assert delivery.deliver(row.pk) == "given up"
    assert fake.received == []

    Instance.objects.filter(domain="127.0.0.1").update(failing_since=timezone.now() - timedelta(days=1))
    assert delivery.deliver(queued_delivery(blog, f"{fake.base}/users/alice/inbox").pk) == "delivered"
    instance = Instance.objects.get(domain="127.0.0.1")
    assert instance.failing_since is None and instance.failures == 0 and instance.last_success_at is not None


def test_a_delivery_refused_by_the_instance_is_not_tried_again(blog, fake):
    fake.inbox_status = 400
    row = queued_delivery(blog, f"{fake.base}/inbox")

    assert delivery.deliver(row.pk) == "refused"
    row.refresh_from_db()
    assert row.status == "given_up"


def test_after_the_last_attempt_a_delivery_is_given_up(blog, settings, fake):
    settings.FEDERATION_MAX_ATTEMPTS = 1
    fake.inbox_status = 500
    row = queued_delivery(blog, f"{fake.base}/inbox")

    assert delivery.deliver(row.pk) == "given up"


def test_an_old_post_followers_never_heard_of_is_not_announced_when_edited(blog, user):
    actor = actor_for(blog)
    add_followers(actor, instances=1, per_instance=1)
    post = PostFactory(author=user, published_at=timezone.now() - timedelta(days=400))

    assert outbox.send_post_activity(post.pk) == "too old to announce"
    assert not OutgoingActivity.objects.exists()


def test_a_post_first_saved_as_a_draft_queues_nothing(blog, user, monkeypatch):
    queued = []
    monkeypatch.setattr("federation.receivers.enqueue_on_commit", lambda task, *args: queued.append(task.name))

    PostFactory(author=user, status="draft", published_at=timezone.now() - timedelta(days=400))
    assert queued == []
    PostFactory(author=user)
    assert queued == ["send_post"]


def test_an_instance_given_up_is_sent_to_again_once_it_sends_a_signed_activity(
    client, blog, fake, django_capture_on_commit_callbacks
):
    from .signing import follow, post_signed

    Instance.objects.create(domain="127.0.0.1", failing_since=timezone.now() - timedelta(days=8), failures=40)

    with django_capture_on_commit_callbacks(execute=True):
        assert post_signed(client, "/@karen/inbox/", follow(fake), fake).status_code == 202

    assert [received["activity"]["type"] for received in fake.received] == ["Accept"]
    instance = Instance.objects.get(domain="127.0.0.1")
    assert instance.failing_since is None and instance.failures == 0


def test_why_a_delivery_failed_is_kept_as_a_code_and_said_in_the_readers_language(
    blog, settings, fake, admin_client, admin_user
):
    fake.inbox_status = 410
    row = queued_delivery(blog, f"{fake.base}/inbox")
    assert delivery.deliver(row.pk) == "refused"
    row.refresh_from_db()
    assert (row.failure, row.last_error) == ({"code": "answered", "params": {"status": 410}}, "")
    unreachable = queued_delivery(blog, "http://unreachable.invalid/inbox")
    settings.FEDERATION_MAX_ATTEMPTS = 1
    assert delivery.deliver(unreachable.pk) == "given up"
    unreachable.refresh_from_db()
    assert unreachable.failure == {"code": "no_such_host", "params": {}}
    old = Delivery.objects.create(
        activity=row.activity, inbox="https://old.example/inbox", last_error="it answered 500"
    )

    admin_user.language = "ar"
    admin_user.save(update_fields=["language"])
    page = admin_client.get("/admin/federation/delivery/").content.decode()
    assert "أجاب صندوق الوارد بالرمز 410." in page
    assert "تعذّر الوصول إلى صندوق الوارد: اسم المضيف لا يُحلّ إلى عنوان." in page
    assert "it answered 500" in page
    assert old.error_text == "it answered 500"


def test_staff_read_a_deliverys_status_in_their_language(blog, admin_client, admin_user):
    row = queued_delivery(blog, "https://a.example/inbox")
    Delivery.objects.filter(pk=row.pk).update(status=Delivery.Status.GIVEN_UP)
    admin_user.language = "es"
    admin_user.save(update_fields=["language"])

    page = admin_client.get("/admin/federation/delivery/").content.decode()

    assert "Abandonada" in page
    assert "Given up" not in page
