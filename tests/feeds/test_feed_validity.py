"""Every Atom feed passes a strict check of RFC 4287, and every feed answers conditional GETs with 304."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.tests.factories import CommentFactory
from posts.models import Blog
from posts.tests.factories import LabelFactory, PostFactory

from .atomcheck import check_atom, is_absolute_iri

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(db):
    owner = UserFactory(username="karen", display_name="Karen")
    Blog.objects.create(owner=owner, title="Small victories")
    label = LabelFactory(name="Garden")
    post = PostFactory(author=owner, title="Spring <at> last & more", body="Some *Markdown* <b>here</b>.")
    post.labels.add(label)
    PostFactory(author=owner, title="An older post")
    first = CommentFactory(post=post, body="Lovely.")
    CommentFactory(post=post, parent=first, body="Agreed, \x0cstrange characters and all.")
    CommentFactory(post=post, author=None, guest_name="Zoë", body="From a guest.")
    return post


def atom_feeds(post) -> list[str]:
    return [
        reverse("posts:feed_atom"),
        reverse("posts:blog_feed_atom", args=["karen"]),
        reverse("posts:label_feed_atom", args=["karen", "garden"]),
        reverse("comments:feed", kwargs=post.permalink_kwargs()),
    ]


def all_feeds(post) -> list[str]:
    return [*atom_feeds(post), reverse("posts:feed_rss"), reverse("posts:blog_feed_rss", args=["karen"])]


def test_every_atom_feed_passes_a_strict_rfc_4287_check(client, post):
    for url in atom_feeds(post):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/atom+xml"), url
        assert check_atom(response.content) == [], url


def test_comment_feed_entries_have_absolute_ids(client, post):
    from defusedxml import ElementTree

    root = ElementTree.fromstring(client.get(reverse("comments:feed", kwargs=post.permalink_kwargs())).content)
    ids = [entry.findtext("{http://www.w3.org/2005/Atom}id") for entry in root]
    ids = [i for i in ids if i is not None]
    assert len(ids) == 3
    assert all(i.startswith("http://testserver/@karen/") and is_absolute_iri(i) for i in ids), ids


def test_the_checker_catches_what_it_is_for():
    bad = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>/relative</id><updated>yesterday</updated>
      <entry><title>a</title><id>/c1</id><updated>2026-01-01T00:00:00Z</updated></entry>
      <entry><id>tag:example.org,2026:x</id><id>tag:example.org,2026:x</id><updated>2026-01-01T00:00:00Z</updated>
        <content type="html"><p>unescaped</p></content></entry>
    </feed>"""
    problems = "\n".join(check_atom(bad))
    for expected in [
        "feed: <id> '/relative' is not an absolute IRI",
        "feed: <updated> 'yesterday' is not an RFC 3339 date-time",
        "feed: no <link rel='self'>",
        "entry 1: <id> '/c1' is not an absolute IRI",
        "entry 1: no <author>",
        "entry 1: neither <content> nor an alternate <link>",
        "entry 2: 2 <id> elements",
        "entry 2: 0 <title> elements",
        "entry 2 <content>: type=html must hold escaped markup",
    ]:
        assert expected in problems


@pytest.mark.parametrize("cached", [False, True])
def test_every_feed_answers_a_conditional_get_with_304(client, post, settings, cached):
    settings.PAGE_CACHE_SECONDS = 600 if cached else 0
    for url in all_feeds(post):
        first = client.get(url)
        assert first["ETag"] and first["Last-Modified"], url
        for condition in ({"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}):
            again = client.get(url, headers=condition)
            assert again.status_code == 304, (url, condition)
            assert again.content == b""


def test_a_feed_with_a_new_entry_is_sent_again_in_full(client, post):
    url = reverse("posts:blog_feed_atom", args=["karen"])
    first = client.get(url)
    PostFactory(author=post.author, title="Brand new")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert b"Brand new" in again.content
