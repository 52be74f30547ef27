"""Abuse controls, each driven through HTTP: rate limits, login throttling, honeypots, link-count hold."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from comments.models import Comment
from posts.models import Blog
from posts.tests.factories import PostFactory

from .site import Site

pytestmark = pytest.mark.django_db


def steady():
    """Time frozen at second 20 of the current minute, so that a per-minute window cannot roll over."""
    return freeze_time(timezone.now().replace(second=20, microsecond=0))


@pytest.fixture
def open_post(owner):
    post = PostFactory(author=owner, title="Open thread")
    Blog.objects.update_or_create(owner=owner, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    return post


def _signed_in(user, ip="203.0.113.7"):
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def test_a_reader_over_the_comment_rate_limit_is_refused_and_nothing_is_stored(open_post, owner, reader, settings):
    with steady():
        settings.COMMENTS_RATE_PER_MINUTE = 5
        site, client = Site(Client(), owner), _signed_in(reader)
        answers = [site.post_comment(client, open_post, f"Thought number {n}.").status_code for n in range(7)]
        assert answers[:5] == [302] * 5
        assert answers[5:] == [429, 429]
        assert Comment.objects.filter(post=open_post, author=reader).count() == 5


def test_the_comment_rate_limit_also_counts_per_address(open_post, owner, reader, blogger, settings):
    with steady():
        settings.COMMENTS_RATE_PER_MINUTE = 3
        site = Site(Client(), owner)
        first, second = _signed_in(reader, ip="198.51.100.9"), _signed_in(blogger, ip="198.51.100.9")
        answers = [site.post_comment(first, open_post, f"From the first account {n}.").status_code for n in range(2)]
        answers += [
            site.post_comment(second, open_post, f"From the second account {n}.").status_code for n in range(2)
        ]
        assert answers == [302, 302, 302, 429]
        assert Comment.objects.filter(post=open_post).count() == 3


def test_the_comment_honeypot_stores_nothing(open_post, owner, reader):
    site, client = Site(Client(), owner), _signed_in(reader)
    form = site.comment_form(open_post, client=client)
    data = {**form["fields"], "body": "Buy cheap things", "parent": "", "homepage": "https://spam.example/"}
    response = client.post(form["action"], data)
    assert response.status_code in (200, 400)
    assert not Comment.objects.filter(post=open_post).exists()


def test_a_comment_with_more_than_two_links_is_held_even_on_an_open_blog(open_post, owner, reader):
    site, client = Site(Client(), owner), _signed_in(reader)
    site.post_comment(client, open_post, "One link https://a.example/ is fine.")
    site.post_comment(client, open_post, "See https://a.example/ and https://b.example/ and www.c.example now")
    site.post_comment(client, open_post, "[one](https://a.example/) [two](https://b.example/) [3](https://c.example/)")
    statuses = list(Comment.objects.filter(post=open_post).order_by("pk").values_list("status", flat=True))
    assert statuses == ["approved", "pending", "pending"]
    page = Client().get(open_post.get_absolute_url()).content
    assert b"c.example" not in page


def test_the_same_comment_twice_is_stored_once(open_post, owner, reader):
    site, client = Site(Client(), owner), _signed_in(reader)
    answers = [site.post_comment(client, open_post, "Exactly this.").status_code for _ in range(3)]
    assert answers[0] == 302 and all(a in (302, 409) for a in answers[1:])
    assert Comment.objects.filter(post=open_post, body="Exactly this.").count() == 1


def _signup(client, n, **extra):
    data = {
        "username": f"newbie{n}",
        "email": f"newbie{n}@example.com",
        "password1": "A-strong-Passw0rd!",
        "password2": "A-strong-Passw0rd!",
        **extra,
    }
    return client.post("/accounts/signup/", data)


def test_the_signup_honeypot_creates_no_account(client):
    response = _signup(client, 1, website="https://spam.example/")
    assert response.status_code in (200, 302)
    assert not User.objects.filter(username="newbie1").exists()


def test_sign_ups_from_one_address_are_rate_limited(settings):
    with steady():
        limit = 4
        settings.ACCOUNT_RATE_LIMITS = {"signup": f"{limit}/m/ip"}
        answers = [_signup(Client(REMOTE_ADDR="192.0.2.44"), n).status_code for n in range(limit + 2)]
        assert answers[:limit] == [302] * limit
        assert answers[limit:] == [429, 429]
        assert User.objects.filter(username__startswith="newbie").count() == limit
        assert _signup(Client(REMOTE_ADDR="192.0.2.45"), 99).status_code == 302, "another address is not limited"


def test_the_default_sign_up_limit_is_on(settings):
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS.get("signup")
    assert app_settings.RATE_LIMITS.get("login_failed")


def test_repeated_failed_logins_lock_the_account_out_even_with_the_right_password(owner):
    with steady():
        client = Client(REMOTE_ADDR="192.0.2.50")
        for n in range(5):
            wrong = client.post("/accounts/login/", {"login": "owner", "password": f"wrong-{n}"})
            assert wrong.status_code == 200 and b"Too many" not in wrong.content
        right = client.post("/accounts/login/", {"login": "owner", "password": "correct horse battery staple"})
        assert right.status_code in (200, 429), "a correct password got in right after a burst of failures"
        assert b"Too many failed" in right.content
        assert "_auth_user_id" not in client.session
        # From another address the account is still throttled: the limit is per account, not only per address.
        other = Client(REMOTE_ADDR="192.0.2.51")
        again = other.post("/accounts/login/", {"login": "owner", "password": "correct horse battery staple"})
        assert b"Too many failed" in again.content
        assert "_auth_user_id" not in other.session


def test_a_correct_login_without_earlier_failures_works(owner):
    client = Client(REMOTE_ADDR="192.0.2.60")
    response = client.post("/accounts/login/", {"login": "owner", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_an_unverified_account_cannot_comment(open_post, owner, unverified):
    assert not EmailAddress.objects.filter(user=unverified, verified=True).exists()
    site, client = Site(Client(), owner), _signed_in(unverified)
    response = site.post_comment(client, open_post, "Let me in")
    assert response.status_code == 403
    assert b"verif" in response.content.lower()
    assert not Comment.objects.filter(post=open_post).exists()
