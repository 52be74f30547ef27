"""Claiming imported comments: only with a confirmed address, and the guest's address shown to nobody."""

import pytest
from allauth.account.models import EmailAddress

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.services import post_comment
from comments.tests.factories import CommentFactory
from community.models import Notification
from posts.models import Blog

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(post):
    """Two comments an import brought in from a guest, and one from another guest."""
    mine = [
        CommentFactory(post=post, author=None, guest_name="Ana (old blog)", guest_email="Ana@Example.org")
        for _ in range(2)
    ]
    CommentFactory(post=post, author=None, guest_name="Someone", guest_email="someone@example.org")
    return mine


def test_a_member_with_the_confirmed_address_claims_the_comments(client, post, imported):
    ana = UserFactory(username="ana", email="ana@example.org", display_name="Ana")
    client.force_login(ana)
    page = client.get("/accounts/profile/").content.decode()
    assert "2 imported comments were written under an email address you have confirmed" in page
    response = client.post("/accounts/profile/claim/", follow=True)
    assert "2 imported comments are now yours." in response.content.decode()
    claimed = Comment.objects.filter(pk__in=[c.pk for c in imported])
    assert {(c.author_id, c.guest_name, c.guest_email) for c in claimed} == {(ana.pk, "", "")}
    assert Comment.objects.filter(author=None).count() == 1, "the other guest's comment stays theirs"
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count('href="/@ana/about/"') >= 2 and "Ana (old blog)" not in html
    assert "claim-offer" not in client.get("/accounts/profile/").content.decode()


def test_replies_to_claimed_comments_reach_the_inbox(client, post, imported, other_user):
    Blog.objects.update_or_create(owner=post.author, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    ana = UserFactory(username="ana", email="ana@example.org")
    client.force_login(ana)
    client.post("/accounts/profile/claim/")
    imported[0].refresh_from_db()
    post_comment(post=post, author=other_user, body="Welcome back", parent=imported[0])
    assert Notification.objects.filter(recipient=ana, kind="reply").count() == 1


def test_an_unconfirmed_address_claims_nothing(client, post, imported):
    ana = UserFactory(username="ana", email="ana@example.org")
    EmailAddress.objects.filter(user=ana).update(verified=False)
    client.force_login(ana)
    assert "claim-offer" not in client.get("/accounts/profile/").content.decode()
    response = client.post("/accounts/profile/claim/", follow=True)
    assert "no imported comments under an email address you have confirmed" in response.content.decode()
    assert Comment.objects.filter(author=None).count() == 3


def test_claiming_needs_a_signed_in_member_and_a_post(client, post, imported):
    assert client.post("/accounts/profile/claim/").status_code == 302
    client.force_login(UserFactory(username="ana", email="ana@example.org"))
    assert client.get("/accounts/profile/claim/").status_code == 405
    assert Comment.objects.filter(author=None).count() == 3


def test_the_guests_address_is_shown_to_nobody(client, post, imported):
    CommentFactory(post=post, author=UserFactory(username="bo"))
    pages = [post.get_absolute_url(), post.get_comments_feed_url(), "/@bo/comments/", "/@bo/about/", "/"]
    client.force_login(UserFactory(username="other"))
    for url in pages:
        body = client.get(url).content.decode().lower()
        assert "ana@example.org" not in body and "someone@example.org" not in body, url
