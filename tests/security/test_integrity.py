"""What must always hold is held by the database, and deletions take exactly what they should.

Each constraint is attacked the way a bug would: `.update()`, a plain `.create()` and raw SQL, all bypassing
forms and services. Deleting or banning a person never deletes other people's replies; deleting a post is
confirmed first and takes its own comments only.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from accounts.models import User
from comments.models import Comment
from comments.tests.factories import CommentFactory
from posts.models import Blog, Post
from posts.tests.factories import DraftFactory, PostFactory

pytestmark = pytest.mark.django_db


def refused(action) -> bool:
    """Whether the database refuses `action` with an integrity error (inside a savepoint)."""
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def two_posts(owner, blogger):
    return PostFactory(author=owner, title="First post"), PostFactory(author=blogger, title="Second post")


# Constraints ---------------------------------------------------------------------------------------------


def test_a_post_status_outside_the_choices_is_refused(owner):
    post = PostFactory(author=owner)
    assert refused(lambda: Post.objects.filter(pk=post.pk).update(status="deleted"))
    assert refused(lambda: Post.objects.filter(pk=post.pk).update(status=""))


def test_a_published_post_without_a_publication_time_is_refused(owner):
    post = PostFactory(author=owner)
    assert refused(lambda: Post.objects.filter(pk=post.pk).update(published_at=None))


def test_two_posts_by_one_author_cannot_share_a_slug_but_two_authors_can(owner, blogger):
    PostFactory(author=owner, title="Same", slug="same")
    assert refused(lambda: DraftFactory(author=owner, title="Other", slug="same"))
    assert not refused(lambda: PostFactory(author=blogger, title="Same", slug="same"))


def test_a_comment_status_outside_the_choices_is_refused(two_posts, reader):
    comment = CommentFactory(post=two_posts[0], author=reader)
    assert refused(lambda: Comment.objects.filter(pk=comment.pk).update(status="hidden"))


def test_a_blog_comment_policy_outside_the_choices_is_refused(owner):
    blog = Blog.objects.create(owner=owner)
    assert refused(lambda: Blog.objects.filter(pk=blog.pk).update(comment_policy="anything"))


def test_a_reply_cannot_point_at_a_comment_of_another_post(two_posts, reader, blogger):
    first, second = two_posts
    parent = CommentFactory(post=first, author=reader)
    assert refused(
        lambda: Comment.objects.create(post=second, author=blogger, parent=parent, depth=1, body="Wrong thread")
    )
    reply = CommentFactory(post=first, author=blogger, parent=parent)
    assert refused(lambda: Comment.objects.filter(pk=reply.pk).update(post=second))
    other_parent = CommentFactory(post=second, author=reader)
    assert refused(lambda: Comment.objects.filter(pk=reply.pk).update(parent=other_parent))


def test_a_comment_cannot_move_to_another_post_without_its_replies(two_posts, reader, blogger):
    first, second = two_posts
    parent = CommentFactory(post=first, author=reader)
    CommentFactory(post=first, author=blogger, parent=parent)
    assert refused(lambda: Comment.objects.filter(pk=parent.pk).update(post=second))


def test_raw_sql_cannot_insert_a_reply_into_another_posts_thread(two_posts, reader):
    first, second = two_posts
    parent = CommentFactory(post=first, author=reader)
    table = Comment._meta.db_table

    def insert():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (post_id, author_id, parent_id, path, depth, body, body_html, status, "  # noqa: S608
                "created_at, guest_name, guest_email, guest_url, user_agent) "
                "VALUES (%s, %s, %s, %s, 1, 'raw', '', 'approved', CURRENT_TIMESTAMP, '', '', '', '')",
                [second.pk, reader.pk, parent.pk, parent.path + "zzzzzzzz"],
            )

    assert refused(insert)


def test_a_consistent_reply_is_accepted(two_posts, reader, blogger):
    first, _ = two_posts
    parent = CommentFactory(post=first, author=reader)
    assert not refused(lambda: CommentFactory(post=first, author=blogger, parent=parent))


# Deletion and bans ---------------------------------------------------------------------------------------


@pytest.fixture
def thread(two_posts, owner, reader, blogger):
    """reader's comment with blogger's reply under it, and owner's reply under that."""
    post = two_posts[0]
    top = CommentFactory(post=post, author=reader, body="Top by reader")
    middle = CommentFactory(post=post, author=blogger, parent=top, body="Reply by blogger")
    bottom = CommentFactory(post=post, author=owner, parent=middle, body="Reply by owner")
    return top, middle, bottom


def test_deleting_a_user_keeps_other_peoples_replies_and_the_thread(thread, reader):
    top, middle, bottom = thread
    User.objects.filter(pk=reader.pk).delete()
    assert Comment.objects.filter(pk__in=[middle.pk, bottom.pk]).count() == 2
    top.refresh_from_db()
    assert top.author_id is None
    middle.refresh_from_db()
    assert middle.parent_id == top.pk


def test_banning_a_user_with_every_option_keeps_other_peoples_replies(thread, reader, superuser):
    top, middle, bottom = thread
    client = Client()
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "ban",
            "_selected_action": [reader.pk],
            "select_across": "0",
            "confirm": "Ban these users",
            "remove_all_comments": "on",
            "unpublish_posts": "on",
        },
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert not reader.is_active
    assert Comment.objects.filter(pk__in=[middle.pk, bottom.pk], status="approved").count() == 2
    assert Comment.objects.filter(pk=top.pk).exists(), "the banned reader's comment vanished with its thread"


def test_deleting_a_post_needs_a_confirmation_and_takes_its_own_comments_only(two_posts, thread, owner, reader):
    first, second = two_posts
    elsewhere = CommentFactory(post=second, author=reader, body="On the other post")
    client = Client()
    client.force_login(owner)
    confirm = client.get(first.get_delete_url())
    assert confirm.status_code == 200
    assert Post.objects.filter(pk=first.pk).exists(), "showing the confirmation deleted the post"
    assert b'method="post"' in confirm.content.lower()
    response = client.post(first.get_delete_url())
    assert response.status_code == 302
    assert not Post.objects.filter(pk=first.pk).exists()
    assert not Comment.objects.filter(pk__in=[c.pk for c in thread]).exists()
    assert Comment.objects.filter(pk=elsewhere.pk).exists()
    assert Post.objects.filter(pk=second.pk).exists()
    assert User.objects.filter(pk__in=[owner.pk, reader.pk]).count() == 2


@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_deleting_ones_own_account_never_takes_other_peoples_replies(thread, reader, choice):
    top, middle, bottom = thread
    client = Client()
    client.force_login(reader)
    response = client.post("/accounts/delete/", {"comments": choice, "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=reader.pk).exists()
    assert Comment.objects.filter(pk__in=[middle.pk, bottom.pk], status="approved").count() == 2
    top.refresh_from_db()
    assert top.author_id is None
    middle.refresh_from_db()
    assert middle.parent_id == top.pk
    if choice == "delete":
        assert top.status == "removed", "a comment others replied to must stay as a placeholder"


def test_deleting_an_account_needs_the_password(thread, reader):
    client = Client()
    client.force_login(reader)
    response = client.post("/accounts/delete/", {"comments": "delete", "password": "a guess"})
    assert response.status_code == 200
    assert User.objects.filter(pk=reader.pk).exists()
