"""Query budgets: the fan-out of a post to its followers, the inbox page and the header's unread count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from comments.tests.factories import CommentFactory
from community.models import Delivery, Follow, GuestSubscription, Notification
from community.tasks import FAN_OUT_CHUNK, deliver_post, fan_out_post
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def make_followers(blog, n: int, delivery=Delivery.INSTANT) -> list[int]:
    users = User.objects.bulk_create(
        [User(username=f"follower{i}", email=f"follower{i}@example.org") for i in range(n)], batch_size=2000
    )
    Follow.objects.bulk_create([Follow(follower=u, blog=blog, delivery=delivery) for u in users], batch_size=2000)
    return list(Follow.objects.filter(blog=blog).values_list("pk", flat=True))


def count_queries(func, *args) -> int:
    with CaptureQueriesContext(connection) as queries:
        func(*args)
    return len(queries)


@pytest.mark.parametrize("followers", [1, 10_000])
def test_the_fan_out_queues_a_post_for_any_number_of_followers_in_constant_queries(
    database_queue, user, blog, followers, django_assert_num_queries
):
    make_followers(blog, followers)
    GuestSubscription.objects.create(blog=blog, email="g@example.org", confirmed_at="2026-01-01T00:00Z")
    post = PostFactory(author=user)
    # The post, the members' ids, the guests' ids, one INSERT of every chunk's task (in a savepoint).
    with django_assert_num_queries(6):
        queued = fan_out_post.call(post.pk)
    chunks = -(-followers // FAN_OUT_CHUNK) + 1
    assert queued == chunks
    assert DBTaskResult.objects.filter(task_path="community.tasks.deliver_post").count() == chunks


@pytest.mark.parametrize("n", [1, 50])
def test_delivering_a_chunk_costs_the_same_for_one_follower_or_many(user, blog, n):
    follow_ids = make_followers(blog, n)
    guests = [
        GuestSubscription.objects.create(blog=blog, email=f"g{i}@example.org", confirmed_at="2026-01-01T00:00Z").pk
        for i in range(n)
    ]
    post = PostFactory(author=user)
    assert count_queries(deliver_post.call, post.pk, follow_ids, guests) == DELIVER_QUERIES
    assert Notification.objects.filter(post=post).count() == n


# The post; the follows with their members; the inbox INSERT; the guests; the outbox INSERT; a savepoint and its
# release. (The outbox's delivery task is queued for after the commit.)
DELIVER_QUERIES = 7


# The user, the page's count, the page's entries, the feed address; and the header's unread count (the
# session comes from the cache).
INBOX_QUERIES = 5


@pytest.mark.parametrize("n", [1, 30])
def test_the_inbox_page_costs_the_same_for_one_entry_or_many(client, user, post, n, django_assert_num_queries):
    for _ in range(n):
        comment = CommentFactory(post=post)
        Notification.objects.create(recipient=user, kind="comment", post=post, comment=comment, actor=comment.author)
    client.force_login(user)
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get("/inbox/")
    assert response.status_code == 200


def test_the_header_count_is_one_query(client, user, post, other_user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as without:
        client.get("/accounts/profile/")
    Notification.objects.create(recipient=user, kind="post", post=post, actor=other_user)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/accounts/profile/").content.decode()
    assert 'id="inbox-link">Inbox <span class="badge text-bg-warning">1</span>' in html
    counts = [q["sql"] for q in queries if "community_notification" in q["sql"]]
    assert len(counts) == 1 and len(queries) == len(without)
