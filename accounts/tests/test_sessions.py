"""The sessions page: where an account is signed in, and signing out everywhere else."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.templatetags.accounts import device

from .mfa import PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
SESSIONS = "/accounts/sessions/"


def signed_in_client(username, user_agent) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_sessions_page_lists_each_browser_signed_in(user):
    laptop = signed_in_client("karen", FIREFOX_WINDOWS)
    signed_in_client("karen", SAFARI_IPHONE)

    html = laptop.get(SESSIONS).content.decode()

    assert "Firefox · Windows" in html
    assert "Safari · iPhone" in html
    assert html.count("This browser") == 1
    assert "Sign out everywhere else" in html


def test_signing_out_everywhere_else_ends_the_other_sessions_only(user, other_user):
    laptop = signed_in_client("karen", FIREFOX_WINDOWS)
    phone = signed_in_client("karen", SAFARI_IPHONE)
    someone_else = signed_in_client("sp", FIREFOX_WINDOWS)

    response = laptop.post(SESSIONS, follow=True)

    assert response.status_code == 200
    assert laptop.session.get(SESSION_KEY) == str(user.pk)
    assert UserSession.objects.filter(user=user).count() == 1
    assert "Sign out everywhere else" not in response.content.decode()
    ended = phone.get(reverse("accounts:profile"))
    assert ended.status_code == 302, "the phone's session was ended"
    assert ended.url.startswith("/accounts/login/")
    assert phone.post(reverse("posts:write"), {"title": "x"}).status_code == 302
    assert someone_else.get(reverse("accounts:profile")).status_code == 200


def test_the_sessions_page_needs_a_sign_in(client):
    response = client.get(SESSIONS)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_session_is_seen_again_after_a_few_minutes_not_on_every_request(user):
    laptop = signed_in_client("karen", FIREFOX_WINDOWS)
    first = UserSession.objects.get(user=user).last_seen_at

    laptop.get("/")
    laptop.get(reverse("accounts:profile"))
    assert UserSession.objects.get(user=user).last_seen_at == first

    with freeze_time(timezone.now() + timezone.timedelta(minutes=6)):
        laptop.get("/")
        assert UserSession.objects.get(user=user).last_seen_at > first


def test_a_page_costs_no_session_query_for_a_fresh_sign_in(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("accounts:profile"))
    assert captured.captured_queries
    assert not [q for q in captured.captured_queries if "usersessions" in q["sql"]]


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX_WINDOWS, "Firefox · Windows"),
        (SAFARI_IPHONE, "Safari · iPhone"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "Chrome · Linux",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge · macOS",
        ),
        ("curl/8.5.0", ""),
        ("", ""),
    ],
)
def test_a_browser_is_named_from_its_user_agent(user_agent, expected):
    assert device(user_agent) == expected


@pytest.mark.parametrize(
    "backend", ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"]
)
def test_a_session_signed_in_through_the_backends_the_site_used_before_stays_signed_in(client, user, backend):
    client.force_login(user, backend=backend)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert response.context["user"] == user
