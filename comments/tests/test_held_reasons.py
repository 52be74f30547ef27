"""Why a comment waits for moderation: stored when it is held, told to its author in plain words, and
the marks that show who is who in a thread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.services import edit_comment, post_comment, post_remote_comment
from comments.tests.factories import CommentFactory
from posts.models import Blog
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _set_policy(owner, policy):
    Blog.objects.update_or_create(owner=owner, defaults={"comment_policy": policy})


def test_a_readers_first_comment_is_held_as_their_first(post, other_user):
    comment = post_comment(post=post, author=other_user, body="Hello")
    assert (comment.status, comment.held_reason) == ("pending", Comment.HeldReason.FIRST_COMMENT)


def test_more_than_two_links_is_the_reason_even_for_a_trusted_reader(post, other_user):
    _set_policy(post.author, Blog.CommentPolicy.OPEN)
    body = "See https://a.example, https://b.example and https://c.example"
    comment = post_comment(post=post, author=other_user, body=body)
    assert (comment.status, comment.held_reason) == ("pending", Comment.HeldReason.LINKS)


def test_a_blog_that_holds_every_comment_says_so(post, other_user):
    _set_policy(post.author, Blog.CommentPolicy.HOLD_ALL)
    comment = post_comment(post=post, author=other_user, body="Hello")
    assert comment.held_reason == Comment.HeldReason.HOLD_ALL


def test_comments_on_old_posts_are_held_when_the_site_says_so(settings, user, other_user):
    settings.COMMENTS_HOLD_AFTER_DAYS = 30
    _set_policy(user, Blog.CommentPolicy.OPEN)
    old = PostFactory(author=user, published_at=timezone.now() - timedelta(days=31))
    fresh = PostFactory(author=user)
    assert post_comment(post=old, author=other_user, body="Late").held_reason == Comment.HeldReason.OLD_POST
    recent = post_comment(post=fresh, author=other_user, body="On time")
    assert (recent.status, recent.held_reason) == ("approved", None)


def test_a_reply_from_the_fediverse_is_held_by_the_same_rules_the_old_posts_one_included(settings, user):
    settings.COMMENTS_HOLD_AFTER_DAYS = 30
    _set_policy(user, Blog.CommentPolicy.OPEN)
    old = PostFactory(author=user, published_at=timezone.now() - timedelta(days=31))
    fresh = PostFactory(author=user)

    def reply(post, n):
        url = f"https://social.example/@alice/{n}"
        return post_remote_comment(
            post=post, parent=None, name="Alice", handle="@alice@social.example", profile_url="", url=url, html="Hi"
        )

    late = reply(old, 1)
    assert (late.status, late.held_reason) == ("pending", Comment.HeldReason.OLD_POST)
    assert (reply(fresh, 2).status, reply(fresh, 3).held_reason) == ("approved", None)
    _set_policy(user, Blog.CommentPolicy.HOLD_FIRST)
    assert reply(fresh, 4).held_reason == Comment.HeldReason.FIRST_COMMENT


def test_the_posts_author_is_never_held(post, user):
    comment = post_comment(post=post, author=user, body="https://a.x https://b.x https://c.x")
    assert (comment.status, comment.held_reason) == ("approved", None)


def test_an_edit_that_adds_links_holds_the_comment_for_its_links(post, other_user):
    comment = CommentFactory(post=post, author=other_user)
    edit_comment(comment=comment, user=other_user, body="https://a.x https://b.x https://c.x")
    comment.refresh_from_db()
    assert (comment.status, comment.held_reason) == ("pending", Comment.HeldReason.LINKS)


def test_the_author_sees_why_their_comment_waits_beside_it_and_others_do_not(client, post, other_user):
    client.force_login(other_user)
    response = client.post(f"{post.get_absolute_url()}comments/", {"body": "My first words"}, follow=True)
    html = response.content.decode()
    comment = Comment.objects.get()
    mine = _article(html, comment.pk)
    assert "Waiting for approval because it is your first comment on this site." in mine
    assert "comment-notice" in mine and "will appear once the blog" in mine
    # The notice shows once, and not in the page's message area at the top.
    assert html.count("comment-notice") == 1
    assert 'class="messages"' not in html
    again = client.get(post.get_absolute_url()).content.decode()
    assert "comment-notice" not in again and "Waiting for approval because" in again

    client.force_login(UserFactory())
    assert "Waiting for approval" not in client.get(post.get_absolute_url()).content.decode()


def test_a_published_comment_gets_its_message_beside_it(client, post, user):
    client.force_login(user)
    response = client.post(f"{post.get_absolute_url()}comments/", {"body": "Thanks all"}, follow=True)
    html = response.content.decode()
    comment = Comment.objects.get()
    assert "Your comment is published." in _article(html, comment.pk)


def _article(html: str, pk: int) -> str:
    start = html.index(f'id="c{pk}"')
    return html[start : html.index("</article>", start)]


def test_the_posts_authors_comments_carry_the_author_mark(client, post, user, other_user):
    by_author = CommentFactory(post=post, author=user, body="From the author")
    by_reader = CommentFactory(post=post, author=other_user, body="From a reader")
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count("comment-author-mark") == 1
    assert ">Author</span>" in _article(html, by_author.pk)
    assert "comment-author-mark" not in _article(html, by_reader.pk)


def test_the_reply_page_button_says_post_reply(client, post, other_user):
    parent = CommentFactory(post=post, author=other_user)
    client.force_login(UserFactory())
    html = client.get(f"/comments/{parent.pk}/reply/").content.decode()
    assert ">Post reply</button>" in html
