"""Two-factor authentication: an authenticator app (TOTP), recovery codes, and staff who must have one."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from freezegun import freeze_time

from .factories import UserFactory
from .mfa import PASSWORD, activate_totp, reauthenticate, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
# Mid-way through a 30-second period, so that a code computed here is still current when the site checks it;
# near the real time, so that sessions made under a frozen clock have not expired once it runs again.
NOW = datetime.fromtimestamp(time.time() // 30 * 30 + 10, tz=UTC)
LATER = NOW + timedelta(minutes=1)


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": username, "password": password, **extra})


def signed_in(client):
    return client.session.get(SESSION_KEY)


@pytest.fixture
def with_totp(client, user):
    """`user` with an authenticator app turned on through the pages, signed out again; the app's secret."""
    with freeze_time(NOW):
        sign_in(client, "karen")
        secret = activate_totp(client)
        client.logout()
    return secret


def test_turning_on_an_authenticator_app_then_signing_in_asks_for_its_code(client, user):
    with freeze_time(NOW):
        sign_in(client, "karen")
        secret = activate_totp(client)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
        client.logout()

    with freeze_time(LATER):
        response = sign_in(client, "karen")
        assert response.status_code == 302
        assert response.url == reverse("mfa_authenticate")
        assert signed_in(client) is None, "the password alone must not sign in"

        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert signed_in(client) == str(user.pk)


def test_a_wrong_code_is_refused_with_a_message(client, user, with_totp):
    with freeze_time(LATER):
        sign_in(client, "karen")
        wrong = "000000" if totp_code(with_totp) != "000000" else "111111"
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert signed_in(client) is None


def test_wrong_codes_are_rate_limited_like_failed_sign_ins(client, user, with_totp, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    with freeze_time(LATER):
        sign_in(client, "karen")
        wrong = "000000" if totp_code(with_totp) != "000000" else "111111"
        for _ in range(3):
            assert "Incorrect code." in client.post(reverse("mfa_authenticate"), {"code": wrong}).content.decode()

        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(with_totp)})

    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert signed_in(client) is None


def assert_code_signs_in_once(client, user, code):
    """Signs in with `code` as the second factor, signs out, and checks the same code is then refused."""
    sign_in(client, "karen")
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in(client) == str(user.pk)
    client.logout()

    sign_in(client, "karen")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert signed_in(client) is None


def test_a_code_used_once_cannot_sign_in_again(client, user, with_totp):
    with freeze_time(LATER):
        assert_code_signs_in_once(client, user, totp_code(with_totp))


def test_a_recovery_code_signs_in_once(client, user, with_totp):
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES))
    assert_code_signs_in_once(client, user, codes.get_unused_codes()[0])


def test_turning_off_the_authenticator_app_asks_for_the_password_again(client, user, with_totp):
    with freeze_time(LATER):
        sign_in(client, "karen")
        client.post(reverse("mfa_authenticate"), {"code": totp_code(with_totp)})

    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_adding_an_address_asks_for_the_password_again(client, user):
    client.force_login(user)

    response = client.post("/accounts/email/", {"email": "karen@work.example", "action_add": ""})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not user.emailaddress_set.filter(email="karen@work.example").exists()


def test_changing_the_password_needs_the_current_one(client, user):
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "a guess", "password1": "another long passphrase", "password2": "another long passphrase"},
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_two_factor_and_sessions_pages_are_linked_from_the_profile(client, user):
    client.force_login(user)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("mfa_index") in profile
    assert reverse("usersessions_list") in profile
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert reverse("mfa_activate_totp") in response.content.decode()


# Staff and the admin.


@pytest.fixture
def staff_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.mark.parametrize("path", ["/admin/", "/admin/comments/comment/", "/dashboard/comments/"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, staff_user, staff_required, path):
    client.force_login(staff_user)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    page = client.get(response.url).content.decode()
    assert "Staff accounts need two-factor authentication" in page


def test_staff_with_a_second_factor_use_the_admin(client, staff_user, staff_required):
    TOTP.activate(staff_user, generate_totp_secret())
    client.force_login(staff_user)

    assert client.get("/admin/").status_code == 200
    assert client.get("/dashboard/comments/").status_code == 200


def test_without_the_requirement_staff_use_the_admin_without_a_second_factor(client, staff_user, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(staff_user)

    assert client.get("/admin/").status_code == 200


def test_readers_pages_never_ask_staff_for_a_second_factor(client, staff_user, staff_required):
    client.force_login(staff_user)

    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_admin_signs_in_through_the_sites_own_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=%2Fadmin%2F"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_a_signed_in_reader_is_refused_the_admin_sign_in(client, user):
    client.force_login(user)

    assert client.get("/admin/login/").status_code == 403


def test_staff_with_an_authenticator_app_reach_the_admin_only_after_its_code(client, staff_required):
    staff = UserFactory(username="warden", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    with freeze_time(NOW):
        response = sign_in(client, "warden", next="/admin/")
        assert response.url == reverse("mfa_authenticate")
        assert client.get("/admin/").status_code == 302, "the admin is closed until the second factor"

        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_account_without_a_password_confirms_its_second_factor_before_deletion(client, user):
    from accounts.models import User

    user.set_unusable_password()
    user.save()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.force_login(user)

    response = client.post(reverse("transfer:delete_account"), {"comments": "keep"})
    assert response.status_code == 302
    assert User.objects.filter(pk=user.pk).exists()
    response = client.get(response.url, follow=True)
    assert response.request["PATH_INFO"] == reverse("mfa_reauthenticate")

    with freeze_time(NOW):
        client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)})
        response = client.post(reverse("transfer:delete_account"), {"comments": "keep"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
