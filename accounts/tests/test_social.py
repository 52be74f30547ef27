"""Signing in through another site: the whole OpenID Connect exchange against a provider on 127.0.0.1."""

from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from accounts.models import User
from blogsite.socialproviders import social_providers

from .fake_oidc import FakeProvider, running

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/oidc/community/login/"
SIGNUP = "/accounts/3rdparty/signup/"
ADA = {
    "sub": "ada-1815",
    "email": "ada@example.org",
    "email_verified": True,
    "name": "Ada Lovelace",
    "preferred_username": "ada",
}


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def follow_to_callback(authorize_url: str) -> str:
    """What the browser does at the provider: asks it to authorize, and is sent back; the path it is sent to."""
    try:
        build_opener(_NoRedirects).open(authorize_url, timeout=5)  # a test URL on 127.0.0.1
    except HTTPError as answer:
        assert answer.code == 302, answer.read()
        location = answer.headers["Location"]
    else:
        raise AssertionError("the provider did not send the browser back")
    return location.split("://", 1)[1].partition("/")[1] + location.split("://", 1)[1].partition("/")[2]


def sign_in_through(client, provider):
    """Runs the exchange from the button on the sign-in page to the site's answer to the provider's code."""
    response = client.post(LOGIN)
    assert response.status_code == 302
    assert response.url.startswith(f"{provider.url}/authorize?")
    return client.get(follow_to_callback(response.url))


def signed_in(client):
    return client.session.get(SESSION_KEY)


@pytest.fixture
def provider(db):
    """A provider as an operator adds one in the admin (a SocialApp), serving Ada."""
    with running(FakeProvider(claims=dict(ADA))) as fake:
        SocialApp.objects.create(
            provider="openid_connect",
            provider_id="community",
            name="Community ID",
            client_id=fake.client_id,
            secret=fake.client_secret,
            settings={"server_url": fake.url},
        )
        yield fake


def test_the_sign_in_page_offers_each_configured_provider(client, provider):
    html = client.get("/accounts/login/").content.decode()
    assert "Community ID" in html
    assert LOGIN in html


def test_a_first_sign_in_asks_for_the_blog_address_and_checks_it_as_sign_up_does(client, provider):
    response = sign_in_through(client, provider)

    assert response.status_code == 302
    assert response.url == SIGNUP
    assert signed_in(client) is None
    page = client.get(SIGNUP)
    assert page.status_code == 200
    assert page.context["form"]["username"].value() == "ada"

    refused = client.post(SIGNUP, {"username": "admin", "email": "ada@example.org"})
    assert refused.status_code == 200
    assert "username" in refused.context["form"].errors
    refused = client.post(SIGNUP, {"username": "ada lovelace", "email": "ada@example.org"})
    assert "username" in refused.context["form"].errors
    assert not User.objects.filter(email="ada@example.org").exists()

    response = client.post(SIGNUP, {"username": "Ada", "email": "ada@example.org"})

    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert signed_in(client) == str(user.pk)
    assert user.display_name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, email="ada@example.org", verified=True).exists()
    assert SocialAccount.objects.get(user=user).uid == "ada-1815"
    assert ("POST", "/token") in provider.requests
    assert ("GET", "/userinfo") in provider.requests


def test_a_later_sign_in_goes_straight_in(client, provider):
    sign_in_through(client, provider)
    client.post(SIGNUP, {"username": "ada", "email": "ada@example.org"})
    client.logout()

    response = sign_in_through(client, provider)

    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in(client) == str(User.objects.get(username="ada").pk)


def test_an_address_that_belongs_to_an_account_is_not_connected_to_it(
    client, provider, user, django_capture_on_commit_callbacks
):
    """allauth neither connects nor says so on the page (which would tell anyone whose address has an account):
    the page says a link was mailed, and the owner's mail says an account already exists."""
    provider.claims["email"] = user.email

    sign_in_through(client, provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, {"username": "someone", "email": user.email})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in(client) is None
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [user]
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "already" in message.body


def test_with_email_authentication_a_verified_address_signs_in_to_its_account(client, provider, user, settings):
    settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
    provider.claims["email"] = user.email

    response = sign_in_through(client, provider)

    assert response.status_code == 302
    assert signed_in(client) == str(user.pk)
    assert SocialAccount.objects.get().user == user


def test_an_address_the_provider_has_not_verified_never_signs_in_to_an_account(client, provider, user, settings):
    settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
    provider.claims.update(email=user.email, email_verified=False)

    sign_in_through(client, provider)

    assert signed_in(client) != str(user.pk)
    assert not SocialAccount.objects.filter(user=user).exists()


def test_a_forged_state_is_refused_with_a_message(client, provider):
    response = client.post(LOGIN)
    callback = follow_to_callback(response.url)
    forged = callback.replace("state=", "state=forged")

    response = client.get(forged)

    assert response.status_code == 401
    assert "Signing in through another site failed" in response.content.decode()
    assert signed_in(client) is None
    assert not User.objects.filter(email="ada@example.org").exists()


def test_a_refusal_at_the_provider_is_shown_as_such(client, provider):
    provider.error = "access_denied"

    response = sign_in_through(client, provider)

    assert response.status_code == 302
    assert response.url == reverse("socialaccount_login_cancelled")
    assert "Login Cancelled" in client.get(response.url).content.decode()
    assert signed_in(client) is None


def test_an_error_from_the_provider_ends_in_a_message(client, provider):
    provider.error = "server_error"

    response = sign_in_through(client, provider)

    assert response.status_code == 401
    assert "Signing in through another site failed" in response.content.decode()
    assert signed_in(client) is None


def test_a_token_the_provider_refuses_ends_in_a_message(client, provider):
    SocialApp.objects.filter(provider_id="community").update(secret="not-the-secret")

    response = sign_in_through(client, provider)

    assert response.status_code == 401
    assert "Signing in through another site failed" in response.content.decode()
    assert signed_in(client) is None


def test_a_provider_that_cannot_be_reached_gets_a_page_not_a_server_error(client, db):
    with running(FakeProvider()) as gone:
        url = gone.url
    SocialApp.objects.create(
        provider="openid_connect", provider_id="community", name="Gone", client_id="x", secret="y",
        settings={"server_url": url},
    )  # fmt: skip

    response = client.post(LOGIN)

    assert response.status_code == 502
    assert "did not answer" in response.content.decode()


def test_providers_come_from_the_environment():
    providers = social_providers(
        {
            "GITHUB_CLIENT_ID": "gh-id",
            "GITHUB_CLIENT_SECRET": "gh-secret",
            "OIDC_SERVER_URL": "https://id.example.org/realms/town",
            "OIDC_CLIENT_ID": "blogsite",
            "OIDC_CLIENT_SECRET": "oidc-secret",
            "OIDC_PROVIDER_ID": "town",
            "OIDC_NAME": "Town ID",
        }
    )

    assert providers["github"]["APPS"] == [{"client_id": "gh-id", "secret": "gh-secret", "key": ""}]
    assert "APPS" not in providers["google"], "Google has no credentials here"
    [oidc] = providers["openid_connect"]["APPS"]
    assert oidc["provider_id"] == "town"
    assert oidc["name"] == "Town ID"
    assert oidc["settings"] == {"server_url": "https://id.example.org/realms/town"}


def test_a_provider_from_the_environment_signs_in(client, db, settings):
    with running(FakeProvider(claims=dict(ADA))) as fake:
        environment = {
            "OIDC_SERVER_URL": fake.url,
            "OIDC_CLIENT_ID": fake.client_id,
            "OIDC_CLIENT_SECRET": fake.client_secret,
            "OIDC_PROVIDER_ID": "community",
        }
        settings.SOCIALACCOUNT_PROVIDERS = social_providers(environment)

        response = sign_in_through(client, fake)

    assert response.status_code == 302
    assert response.url == SIGNUP


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/accounts/github/login/"), ("post", "/accounts/github/login/"), ("get", "/accounts/google/login/")],
)
def test_a_provider_without_an_app_answers_404(client, db, method, path):
    assert getattr(client, method)(path).status_code == 404


def test_googles_one_tap_address_is_not_offered(client, db):
    assert client.post("/accounts/google/login/token/", {"credential": "x"}).status_code == 404
