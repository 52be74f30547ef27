import feedparser
import pytest
from django.urls import reverse

from comments.models import Comment
from posts.tests.factories import DraftFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def feed_url(post):
    return reverse("comments:feed", kwargs=post.permalink_kwargs())


def test_comments_feed_lives_under_the_post_permalink(post):
    assert feed_url(post) == post.get_absolute_url() + "comments/feed/"


def test_comments_feed_is_atom_with_approved_comments_only(client, post, other_user):
    approved = CommentFactory(post=post, author=other_user, body_html="<p>So sorry, Karen.</p>")
    CommentFactory(post=post, status=Comment.Status.PENDING, body_html="<p>pending words</p>")
    CommentFactory(post=post, status=Comment.Status.SPAM, body_html="<p>spam words</p>")
    response = client.get(feed_url(post))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10"
    assert not feed.bozo
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{post.get_absolute_url()}#c{approved.pk}"
    assert entry.author == "sp"
    assert "So sorry, Karen." in entry.summary
    assert "pending words" not in response.content.decode()


def test_comments_feed_of_a_draft_is_not_found(client, user):
    draft = DraftFactory(author=user)
    assert client.get(feed_url(draft)).status_code == 404


def test_comments_feed_queries_do_not_grow_with_comments(client, post, django_assert_max_num_queries):
    CommentFactory.create_batch(30, post=post)
    with django_assert_max_num_queries(3):
        client.get(feed_url(post))
