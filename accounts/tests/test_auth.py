"""Sign-up, email verification and sign-in, through the site's own pages."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User

from .factories import UserFactory
from .mfa import reauthenticate

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def signup(client, *, username="writer", email="writer@example.com", password=PASSWORD, **extra):
    return client.post(
        SIGNUP, {"username": username, "email": email, "password1": password, "password2": password, **extra}
    )


def login(client, login, password=PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_sends_a_confirmation_link_that_verifies_the_address_and_lets_the_user_sign_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, username="Writer", email="Writer@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.username == "writer", "usernames are stored in lower case"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["writer@example.com"]
    assert mail.outbox[0].subject.startswith("[Blogsite] ")
    assert mail.outbox[0].body.startswith("Hello from Blogsite!")

    client.logout()
    confirm = confirmation_path(mail.outbox[0])
    page = client.get(confirm)
    assert page.status_code == 200
    assert b"writer@example.com" in page.content
    assert not EmailAddress.objects.get(user=user).verified, "a GET must not confirm"

    response = client.post(confirm)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = login(client, "writer")
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(user.pk)


def test_an_unverified_user_cannot_sign_in_and_is_sent_another_link(client):
    signup(client)
    client.logout()
    mail.outbox.clear()

    response = login(client, "writer")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None


def test_a_wrong_confirmation_key_confirms_nothing(client):
    signup(client)

    page = client.get("/accounts/confirm-email/not-a-real-key/")
    response = client.post("/accounts/confirm-email/not-a-real-key/")

    assert b"expired or is invalid" in page.content
    assert response.status_code == 404
    assert not EmailAddress.objects.filter(verified=True).exists()


@pytest.mark.parametrize("login_with", ["karen", "KAREN", "karen@example.com", "Karen@Example.COM"])
def test_a_verified_user_signs_in_with_username_or_email_in_any_case(client, user, login_with):
    response = login(client, login_with)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_a_wrong_password_is_refused_with_a_message(client, user):
    response = login(client, "karen", "not the password")

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert b"not correct" in response.content


def test_repeated_failed_sign_ins_are_throttled_even_with_the_right_password(client, user):
    for _ in range(5):
        login(client, "karen", "wrong password")

    response = login(client, "karen")

    assert signed_in_user_id(client) is None
    assert b"Too many failed sign-in attempts" in response.content


def test_too_many_sign_ups_from_one_address_get_a_429_page_in_the_site_look(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/m/ip"}
    signup(client, username="first", email="first@example.com")
    client.logout()
    signup(client, username="second", email="second@example.com")
    client.logout()

    response = signup(client, username="third", email="third@example.com")

    assert response.status_code == 429
    assert b"Please slow down" in response.content
    assert b'id="content"' in response.content, "drawn inside the site's base layout"
    assert not User.objects.filter(username="third").exists()


def test_sign_out_needs_a_post(client, user):
    client.force_login(user)

    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert signed_in_user_id(client) == str(user.pk)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("name", ["admin", "Admin", "dashboard", "write", "feed", "search", "static", "healthz"])
def test_sign_up_refuses_reserved_usernames_with_a_clear_message(client, name):
    response = signup(client, username=name)

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "is reserved for the site itself" in response.context["form"].errors["username"][0]
    assert b"is reserved for the site itself" in response.content


@pytest.mark.parametrize("name", ["karen", "Karen", "KAREN"])
def test_sign_up_refuses_a_username_taken_in_any_case(client, user, name):
    response = signup(client, username=name, email="someone-else@example.com")

    assert response.status_code == 200
    assert User.objects.count() == 1
    assert response.context["form"].errors["username"] == ["That username is already taken."]


@pytest.mark.parametrize("name", ["with space", "dot.ted", "-dash", "ab", "ünïcode", "a" * 31])
def test_sign_up_refuses_usernames_that_are_not_url_safe(client, name):
    response = signup(client, username=name)

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not User.objects.exists()


def test_filling_the_honeypot_creates_no_account(client):
    response = signup(client, website="http://spam.example")

    assert response.status_code == 302
    assert not User.objects.exists()
    assert not mail.outbox


def test_createsuperuser_noinput_account_signs_in_at_once_by_username_and_by_email(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "Alice")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Alice@Example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, verbosity=0)
    alice = User.objects.get(username="alice")

    response = login(client, "alice")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(alice.pk)

    client.logout()
    response = login(client, "alice@example.org")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(alice.pk)
    assert client.get("/admin/").status_code == 200
    assert not mail.outbox, "no verification email is needed"


def test_createsuperuser_may_use_a_name_reserved_at_sign_up(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, username="admin", email="ops@example.org", verbosity=0)

    response = login(client, "admin")

    assert response.status_code == 302
    assert signed_in_user_id(client) is not None


def test_interactive_createsuperuser_account_signs_in_at_once(client, monkeypatch):
    from django.contrib.auth.management.commands import createsuperuser

    answers = iter(["bob", "bob@example.org"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr(createsuperuser.getpass, "getpass", lambda prompt="": PASSWORD)

    class Terminal:
        def isatty(self):
            return True

    call_command(createsuperuser.Command(), interactive=True, stdin=Terminal(), verbosity=0)

    response = login(client, "bob@example.org")

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(User.objects.get(username="bob").pk)


def test_password_reset_mails_a_link_that_sets_a_new_password(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "karen@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
    )
    assert response.status_code == 302

    assert login(client, "karen", "a brand new passphrase").status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_password_change_keeps_the_user_signed_in_and_takes_the_new_password(client, user):
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another long passphrase", "password2": "another long passphrase"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another long passphrase")


def test_adding_an_email_address_sends_it_a_confirmation(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    reauthenticate(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/email/", {"email": "karen@work.example", "action_add": ""})

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email="karen@work.example", verified=False).exists()
    assert mail.outbox[-1].to == ["karen@work.example"]


def test_an_inactive_account_is_shown_the_inactive_page(client):
    UserFactory(username="gone", is_active=False)

    response = login(client, "gone")

    assert signed_in_user_id(client) is None
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    assert b"This account is inactive." in client.get(response.url).content


def test_a_rate_limited_sign_up_says_when_to_come_back(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/m/ip"}
    signup(client, username="first", email="first@example.com")
    client.logout()

    response = signup(client, username="second", email="second@example.com")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300


def test_account_mail_is_written_in_the_accounts_language(client, user, django_capture_on_commit_callbacks):
    """A French member asking for a password reset from an English browser reads the mail in French."""
    user.language = "fr"
    user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email}, headers={"accept-language": "en"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.startswith("Bonjour de la part de Blogsite")


def test_account_mail_to_an_address_without_an_account_speaks_the_askers_language(
    client, django_capture_on_commit_callbacks
):
    """At sign-up there is no language setting yet: the confirmation is in the language the form was sent in."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            SIGNUP,
            {"username": "ecrivain", "email": "e@example.com", "password1": PASSWORD, "password2": PASSWORD},
            headers={"accept-language": "fr"},
        )
    assert mail.outbox[0].body.startswith("Bonjour de la part de Blogsite")
