"""Signed-in readers get the same cached thread as everyone, with what is theirs added: never anyone else's."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory, bulk_threads
from posts.models import Blog
from posts.tests.factories import PostFactory

from .helpers import thread_html

pytestmark = pytest.mark.django_db


def edit_link(comment) -> str:
    return f'href="{reverse("comments:edit", args=[comment.pk])}"'


def remove_link(comment) -> str:
    return f'href="{reverse("comments:delete", args=[comment.pk])}"'


def article(html: str, comment) -> str:
    """The markup of one comment up to its own links (its replies left out)."""
    start = html.index(f'id="c{comment.pk}"')
    return html[start : html.index("</footer>", start)]


@pytest.fixture
def scene(db):
    """A post with Ana's and Ben's comments, approved and held, and the people who read it."""
    owner = UserFactory(username="karen", display_name="Karen")
    Blog.objects.create(owner=owner, comment_policy=Blog.CommentPolicy.HOLD_FIRST)
    post = PostFactory(author=owner)
    ana, ben = UserFactory(username="ana", display_name="Ana"), UserFactory(username="ben", display_name="Ben")
    staff = UserFactory(username="mod", is_staff=True)
    held = {"status": Comment.Status.PENDING}
    ana_said = CommentFactory(post=post, author=ana, body="Ana approved.")
    ben_said = CommentFactory(post=post, author=ben, body="Ben approved.")
    ana_held_reply = CommentFactory(post=post, author=ana, parent=ben_said, body="Ana held reply.", **held)
    ana_held_root = CommentFactory(post=post, author=ana, body="Ana held root.", **held)
    ben_held_reply = CommentFactory(post=post, author=ben, parent=ana_said, body="Ben held reply.", **held)
    return {
        "post": post,
        "owner": owner,
        "ana": ana,
        "ben": ben,
        "staff": staff,
        "ana_said": ana_said,
        "ben_said": ben_said,
        "ana_held": [ana_held_reply, ana_held_root],
        "ben_held": [ben_held_reply],
    }


READERS = ["anonymous", "ana", "ben", "staff", "owner"]


def as_seen_by(scene, who) -> str:
    return thread_html(scene["post"], None if who == "anonymous" else scene[who])


def check_what_each_sees(scene, who, html):
    ana_said, ben_said = scene["ana_said"], scene["ben_said"]
    assert "Ana approved." in html and "Ben approved." in html
    assert "<!--" not in html.split("<section", 1)[1], "no marker is left for anyone"
    held_text = {c.body for c in scene["ana_held"] + scene["ben_held"]}
    own_held = {c.body for c in scene.get(f"{who}_held", [])}
    for text in held_text:
        assert (text in html) == (text in own_held), (who, text)
    assert html.count("awaiting moderation") == len(own_held)
    # Edit: only one's own comments. Remove: one's own, and any for the post's author and staff.
    assert (edit_link(ana_said) in html) == (who == "ana")
    assert (edit_link(ben_said) in html) == (who == "ben")
    removes_any = who in ("staff", "owner")
    assert (remove_link(ana_said) in html) == (removes_any or who == "ana")
    assert (remove_link(ben_said) in html) == (removes_any or who == "ben")
    for comment in scene.get(f"{who}_held", []):
        assert edit_link(comment) in article(html, comment) and remove_link(comment) in article(html, comment)
    if who == "anonymous":
        assert "/edit/" not in html and "/delete/" not in html


@pytest.mark.parametrize("first", READERS)
def test_nobody_ever_gets_another_members_controls_or_held_comments(scene, first):
    """Whoever fills the shared cache first, each reader sees exactly their own links and held comments."""
    check_what_each_sees(scene, first, as_seen_by(scene, first))
    for who in READERS:
        check_what_each_sees(scene, who, as_seen_by(scene, who))


def test_the_shared_fragment_in_the_cache_holds_nothing_that_belongs_to_a_reader(scene):
    as_seen_by(scene, "ana")
    (key,) = [k for k in cache._cache if "shared-thread" in k]  # the local-memory cache the tests use
    shared = cache.get(key.split(":", 2)[2])
    assert "Ana approved." in shared
    assert "held" not in shared
    assert "/edit/" not in shared and "/delete/" not in shared
    assert "csrfmiddlewaretoken" not in shared


def test_a_held_reply_shows_under_what_it_answers_with_its_links(scene):
    html = as_seen_by(scene, "ana")
    reply, root = scene["ana_held"]
    ben_said = scene["ben_said"]
    ben_block = html[html.index(f'id="c{ben_said.pk}"') :]
    assert ben_block.index('class="comment-replies"') < ben_block.index(f'id="c{reply.pk}"')
    assert html.index(f'id="c{root.pk}"') > html.index(f'id="c{reply.pk}"'), "a held top-level comment comes last"


def test_a_held_reply_to_a_comment_the_shared_page_lacks_still_shows_to_its_author(scene):
    """Its parent was removed and has no other visible reply, so only the reader's own page shows it."""
    ana, ben_said = scene["ana"], scene["ben_said"]
    lonely = CommentFactory(post=scene["post"], author=scene["ben"], body="Soon removed.")
    held = CommentFactory(
        post=scene["post"], author=ana, parent=lonely, body="Answering the removed one.", status=Comment.Status.PENDING
    )
    Comment.objects.filter(pk=lonely.pk).update(status=Comment.Status.REMOVED)
    html = as_seen_by(scene, "ana")
    assert "Answering the removed one." in html
    assert "This comment was removed." in html
    assert edit_link(held) in html and edit_link(ben_said) not in html
    other = as_seen_by(scene, "ben")
    assert "Answering the removed one." not in other


def test_a_deep_reply_says_whom_it_answers(db):
    post = PostFactory()
    bulk_threads(post, threads=1, replies=8)
    html = thread_html(post)
    deep = list(Comment.objects.filter(post=post).order_by("depth"))
    for comment in deep:
        says = re.search(rf'id="c{comment.pk}".*?<header class="comment-meta">(.*?)</header>', html, re.S)[1]
        if comment.depth > 6:
            parent = deep[comment.depth - 1]
            assert f'href="#c{parent.pk}"' in says
            assert f"in reply to</span> {parent.author_name}</a>" in says
        else:
            assert "↪" not in says
