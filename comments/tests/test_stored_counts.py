"""Every thread root knows how many approved replies its thread holds, and every post how many approved
comments it has, whoever writes the rows.

The counts are kept by database triggers (migrations 0003 and 0004), so these tests write comments the ways
the site does (the services, moderation, the admin's bulk update, deletion, imports) and a few ways it
doesn't (plain SQL), and compare the stored counts with ones counted from the rows.
"""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from comments.models import Comment
from comments.services import delete_comment, post_comment
from moderation.models import ModerationEvent
from moderation.services import moderate_comments

from .factories import CommentFactory, bulk_threads
from .helpers import counted_thread_replies as counted
from .helpers import stored_thread_replies as stored

pytestmark = pytest.mark.django_db(transaction=False)


def test_replies_at_every_depth_count_towards_their_thread_root(post):
    root, other_root = CommentFactory(post=post), CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=root)
    CommentFactory(post=post, parent=reply)
    CommentFactory(post=post, parent=other_root)
    assert stored(post) == {root.pk: 2, other_root.pk: 1}
    assert Comment.objects.get(pk=reply.pk).thread_reply_count == 0


def test_a_reply_posted_by_a_reader_counts_once_approved(post, other_user):
    root = CommentFactory(post=post)
    reply = post_comment(post=post, author=other_user, body="A held reply.", parent=root)
    assert reply.status == Comment.Status.PENDING
    assert stored(post) == {root.pk: 0}
    moderate_comments(comments=[reply], action=ModerationEvent.Action.APPROVE, moderator=post.author)
    assert stored(post) == {root.pk: 1}


@pytest.mark.parametrize("action", [ModerationEvent.Action.REMOVE, ModerationEvent.Action.SPAM])
def test_hiding_a_reply_takes_it_off_and_restoring_puts_it_back(post, staff_user, action):
    root = CommentFactory(post=post)
    replies = [CommentFactory(post=post, parent=root) for _ in range(3)]
    moderate_comments(comments=replies[:2], action=action, moderator=staff_user)
    assert stored(post) == {root.pk: 1}
    moderate_comments(
        comments=Comment.objects.filter(pk__in=[r.pk for r in replies]),
        action=ModerationEvent.Action.RESTORE,
        moderator=staff_user,
    )
    assert stored(post) == counted(post) == {root.pk: 3}


def test_hiding_the_root_itself_leaves_its_count_alone(post, staff_user):
    root = CommentFactory(post=post)
    CommentFactory(post=post, parent=root)
    moderate_comments(comments=[root], action=ModerationEvent.Action.REMOVE, moderator=staff_user)
    assert stored(post) == {root.pk: 1}


def test_a_deleted_reply_is_no_longer_counted(post, other_user):
    root = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=root, author=other_user)
    CommentFactory(post=post, parent=root)
    assert delete_comment(comment=reply, user=other_user) is True
    assert stored(post) == {root.pk: 1}


def test_a_save_that_rewrites_every_column_keeps_the_count(post):
    root = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=root)
    Comment.objects.get(pk=reply.pk).save()
    assert stored(post) == {root.pk: 1}


def test_bulk_inserts_and_plain_sql_are_counted_too(post):
    bulk_threads(post, threads=3, replies=4)
    assert set(stored(post).values()) == {4}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE comments_comment SET status = %s WHERE post_id = %s AND depth = 4",
            [Comment.Status.PENDING, post.pk],
        )
    assert stored(post) == counted(post)
    assert set(stored(post).values()) == {3}


def test_deleting_a_post_with_its_threads_leaves_no_count_behind(post):
    bulk_threads(post, threads=2, replies=3)
    post.delete()
    assert not Comment.objects.exists()


def test_the_migration_counts_the_replies_stored_before_it(post):
    bulk_threads(post, threads=4, replies=2)
    root = CommentFactory(post=post)
    CommentFactory(post=post, parent=root, status=Comment.Status.PENDING)
    expected = counted(post)
    Comment.objects.update(thread_reply_count=0)
    migration = importlib.import_module("comments.migrations.0003_thread_reply_count")
    migration.count_existing(apps, type("SchemaEditor", (), {"connection": connection})())
    assert stored(post) == expected
    assert sorted(expected.values()) == [0, 2, 2, 2, 2]


def post_count(post) -> int:
    return type(post).objects.values_list("approved_comment_count", flat=True).get(pk=post.pk)


def test_a_post_counts_its_approved_comments_as_they_come_and_go(post, other_user, staff_user):
    root = CommentFactory(post=post)
    CommentFactory(post=post, parent=root)
    assert post_count(post) == 2
    held = post_comment(post=post, author=other_user, body="Held for a moment.")
    assert post_count(post) == 2
    moderate_comments(comments=[held], action=ModerationEvent.Action.APPROVE, moderator=staff_user)
    assert post_count(post) == 3
    moderate_comments(comments=[root], action=ModerationEvent.Action.SPAM, moderator=staff_user)
    assert post_count(post) == 2
    Comment.objects.get(pk=held.pk).delete()
    assert post_count(post) == 1
    assert post_count(post) == post.comments.filter(status=Comment.Status.APPROVED).count()


def test_bulk_inserts_count_towards_their_post_only(post, user):
    from posts.tests.factories import PostFactory

    other = PostFactory(author=user, title="Elsewhere")
    bulk_threads(post, threads=5, replies=3)
    bulk_threads(other, threads=2)
    assert (post_count(post), post_count(other)) == (20, 2)


def test_the_migration_counts_each_posts_stored_comments(post):
    bulk_threads(post, threads=4, replies=2)
    CommentFactory(post=post, status=Comment.Status.PENDING)
    type(post).objects.update(approved_comment_count=0)
    migration = importlib.import_module("comments.migrations.0004_post_approved_comment_count")
    migration.count_existing(apps, type("SchemaEditor", (), {"connection": connection})())
    assert post_count(post) == 12
