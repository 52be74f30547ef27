"""What a member's page reads of their own (their account, their session, may they comment, their unread
inbox count) and the post itself come from the cache, each kept under the versions of what it depends on:
a change shows on the very next request, whichever process served the one before."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.management.sql import emit_post_migrate_signal
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from blogsite.versions import GLOBAL, bump, current, looked_up_once
from comments.models import Comment
from comments.services import post_comment
from comments.tests.factories import CommentFactory
from community import services as inbox
from community.models import Notification
from moderation.services import ban_user, moderate_comments, unban_user
from pagecache import signals as cache_signals
from posts.models import Blog
from posts.services import update_post
from posts.tests.factories import PostFactory

from .test_member_pages import inbox_badge, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(author, post):
    """Karen's post with a comment by Ana, and Ana signed in, having read the page once (so it is cached)."""
    ana = UserFactory(username="ana", display_name="Ana")
    said = CommentFactory(post=post, author=ana, body="Ana approved.")
    client = Client()
    client.force_login(ana)
    page(client, post)
    return {"post": post, "owner": author, "ana": ana, "said": said, "client": client}


def signed_in_as(html: str) -> str | None:
    found = re.search(r'Sign out <span class="visually-hidden">\(([^)]+)\)</span>', html)
    return found and found[1]


def test_a_members_cached_post_page_costs_no_query(scene, django_assert_num_queries):
    """The session, the account, the post, may they comment, the unread count and their held comments on
    the page all come from the cache once looked up."""
    client, post, ana = scene["client"], scene["post"], scene["ana"]
    held = CommentFactory(post=post, author=ana, parent=scene["said"], status=Comment.Status.PENDING)
    page(client, post)
    with django_assert_num_queries(0):
        html = page(client, post)
    assert f'id="c{held.pk}"' in html
    assert 'id="comment-form"' in html
    assert signed_in_as(html) == "ana"


def test_a_new_reply_and_marking_it_read_show_in_the_inbox_count_at_once(scene):
    client, post, ana, owner = scene["client"], scene["post"], scene["ana"], scene["owner"]
    assert inbox_badge(page(client, post)) is None
    post_comment(post=post, author=owner, body="Karen answers.", parent=scene["said"])
    assert inbox_badge(page(client, post)) == "1"
    entry = Notification.objects.get(recipient=ana)
    inbox.mark_read(user=ana, pk=entry.pk)
    assert inbox_badge(page(client, post)) is None


def test_an_entry_about_what_is_no_longer_visible_leaves_the_count_at_once(scene):
    """Whether an entry counts depends on its comment too: removing the reply drops it from the count."""
    client, post, owner = scene["client"], scene["post"], scene["owner"]
    reply = post_comment(post=post, author=owner, body="Karen answers.", parent=scene["said"])
    assert inbox_badge(page(client, post)) == "1"
    moderate_comments(comments=[reply], action="remove", moderator=owner)
    assert inbox_badge(page(client, post)) is None


def test_all_marked_read_and_a_fan_out_to_many_inboxes_show_at_once(scene, monkeypatch):
    client, post, ana, owner = scene["client"], scene["post"], scene["ana"], scene["owner"]
    other = UserFactory()
    newer = PostFactory(author=owner, title="Summer already")
    # Past the threshold every member's count moves on at once (one counter, not one per follower).
    monkeypatch.setattr(cache_signals, "MANY_INBOXES", 1)
    inbox.add_entries(
        Notification(recipient=reader, kind=Notification.Kind.POST, actor=owner, post=newer) for reader in (ana, other)
    )
    assert inbox_badge(page(client, post)) == "1"
    inbox.mark_all_read(user=ana)
    assert inbox_badge(page(client, post)) is None


def test_a_ban_signs_the_member_out_at_once_and_an_unban_lets_them_back(scene, staff_user):
    client, post, ana = scene["client"], scene["post"], scene["ana"]
    assert signed_in_as(page(client, post)) == "ana"
    ban_user(user=ana, moderator=staff_user)
    html = page(client, post)
    assert signed_in_as(html) is None and 'id="comment-form"' not in html
    unban_user(user=ana, moderator=staff_user)
    client.force_login(ana)
    assert signed_in_as(page(client, post)) == "ana"


def test_a_new_password_elsewhere_ends_this_session_at_once(scene):
    client, post, ana = scene["client"], scene["post"], scene["ana"]
    ana.set_password("a completely new one")
    ana.save()
    assert signed_in_as(page(client, post)) is None
    assert SESSION_KEY not in client.session


def test_a_new_username_and_the_language_switch_show_at_once(scene):
    client, post, ana = scene["client"], scene["post"], scene["ana"]
    ana.username = "ana-maria"
    ana.save()
    html = page(client, post)
    assert signed_in_as(html) == "ana-maria"
    assert 'href="/@ana-maria/"' in html
    client.post(reverse("accounts:set_language"), {"language": "fr", "next": post.get_absolute_url()})
    # The account's language, not this browser's cookie, is what the next page speaks.
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '<header class="site-header border-bottom" lang="fr">' in page(client, post)


def test_a_run_of_migrations_moves_what_is_kept_of_a_members_own_on(scene):
    """A data migration writes without model signals: the member's account is read again after it."""
    client, post, ana = scene["client"], scene["post"], scene["ana"]
    get_user_model().objects.filter(pk=ana.pk).update(username="ana-maria")
    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration("accounts", "0001_initial")
    emit_post_migrate_signal(0, False, "default", plan=[(migration, False)])
    assert signed_in_as(page(client, post)) == "ana-maria"


def test_losing_or_confirming_an_address_takes_the_comment_form_away_or_gives_it_at_once(scene):
    client, post, ana = scene["client"], scene["post"], scene["ana"]
    assert 'id="comment-form"' in page(client, post)
    address = EmailAddress.objects.get(user=ana)
    address.delete()
    html = page(client, post)
    assert 'id="comment-form"' not in html and "verify your email address" in html
    EmailAddress.objects.create(user=ana, email="ana@example.com", verified=False, primary=True)
    assert 'id="comment-form"' not in page(client, post)
    address = EmailAddress.objects.get(user=ana)
    address.verified = True
    address.save()
    assert 'id="comment-form"' in page(client, post)


def test_closing_a_posts_comments_and_editing_it_show_at_once(scene):
    client, post, owner = scene["client"], scene["post"], scene["owner"]
    update_post(post=post, editor=owner, comments_enabled=False)
    html = page(client, post)
    assert "Comments on this post are closed." in html and 'id="comment-form"' not in html
    update_post(post=post, editor=owner, title="Spring, finally", comments_enabled=True)
    html = page(client, post)
    assert "Spring, finally" in html and 'id="comment-form"' in html


def test_a_change_of_the_blogs_settings_shows_and_applies_at_once(scene):
    """The post is kept with its blog: a new title shows, and a new comment policy holds the next comment."""
    client, post, owner = scene["client"], scene["post"], scene["owner"]
    blog = Blog.objects.get(owner=owner)
    blog.title = "Larger victories"
    blog.comment_policy = Blog.CommentPolicy.HOLD_ALL
    blog.save()
    assert "Larger victories" in page(client, post)
    response = client.post(reverse("comments:create", kwargs=post.permalink_kwargs()), {"body": "Held now?"})
    assert response.status_code == 302
    assert Comment.objects.get(body="Held now?").status == Comment.Status.PENDING


def test_a_post_made_a_draft_is_gone_for_readers_at_once(scene):
    client, post, owner = scene["client"], scene["post"], scene["owner"]
    update_post(post=post, editor=owner, status="draft")
    # A post that was public and is not any more answers 410 Gone.
    assert client.get(post.get_absolute_url()).status_code == 410
    assert Client().get(post.get_absolute_url()).status_code == 410


def test_versions_are_read_once_in_a_request_and_again_after_a_change_made_in_it():
    with looked_up_once():
        first = current(GLOBAL)
        bump(GLOBAL)
        assert current(GLOBAL) == (first[0] + 1,)
    assert current(GLOBAL) == (first[0] + 1,)
