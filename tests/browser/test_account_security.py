"""Two-factor authentication in Chromium: turning on an authenticator app and signing in with it, and
axe-core on the account-security pages."""

import re
import time

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from accounts.tests.mfa import totp_code

from .conftest import describe_violations, run_axe

PASSWORD = "correct horse battery staple"


def fresh_code(secret: str) -> str:
    """A code with a few seconds of its 30-second period left, so that the site still takes it."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
    return totp_code(secret)


def sign_in(page, username: str):
    page.goto("/accounts/login/")
    page.locator("main form [name=login]").fill(username)
    page.locator("main form [name=password]").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()


@pytest.fixture
def karen(transactional_db):
    return UserFactory(username="karen", display_name="Karen")


def test_a_blogger_turns_on_an_authenticator_app_and_signs_in_with_its_code(karen, new_context):
    page = new_context().new_page()
    sign_in(page, "karen")
    expect(page.get_by_role("button", name=re.compile("Sign out", re.I))).to_be_visible()

    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    page.locator("main").get_by_role("link", name=re.compile("activate", re.I)).first.click()
    # allauth asks for the password again before the second factor changes.
    page.locator("main form [name=password]").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("confirm", re.I)).click()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("main form [name=code]").fill(fresh_code(secret))
    page.locator("main form").get_by_role("button", name=re.compile("activate", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("recovery codes", re.I))

    page.get_by_role("button", name=re.compile("Sign out", re.I)).click()
    sign_in(page, "karen")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("two-factor", re.I))
    page.locator("main form [name=code]").fill("000000" if fresh_code(secret) != "000000" else "111111")
    page.locator("main form").get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()
    expect(page.locator("main")).to_contain_text("Incorrect code.")
    page.locator("main form [name=code]").fill(fresh_code(secret))
    page.locator("main form").get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()
    expect(page.get_by_role("button", name=re.compile("Sign out", re.I))).to_be_visible()


def test_the_account_security_pages_have_no_serious_accessibility_violation(karen, new_context):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.socialaccount.models import SocialApp

    SocialApp.objects.create(
        provider="openid_connect", provider_id="town", name="Town ID", client_id="blogsite", secret="s",
        settings={"server_url": "https://id.town.example"},
    )  # fmt: skip
    context = new_context(bypass_csp=True)
    page = context.new_page()
    report = []

    def audit(name):
        violations = run_axe(page)
        if violations:
            report.append(f"{name}:\n{describe_violations(violations)}")

    page.goto("/accounts/login/")
    expect(page.locator("main")).to_contain_text("Town ID")
    audit("sign-in with another site's button")
    sign_in(page, "karen")
    page.goto("/accounts/3rdparty/")
    audit("accounts on other sites")

    page.goto("/accounts/2fa/")
    audit("two-factor overview")
    page.goto("/accounts/sessions/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Where you are signed in")
    audit("sessions")
    page.goto("/accounts/2fa/totp/activate/")
    audit("reauthentication")
    page.locator("main form [name=password]").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("confirm", re.I)).click()
    audit("authenticator app activation")
    page.goto("/accounts/2fa/webauthn/add/")
    audit("adding a security key")

    secret = generate_totp_secret()
    TOTP.activate(karen, secret)
    RecoveryCodes.activate(karen)
    page.goto("/accounts/2fa/recovery-codes/")
    audit("recovery codes")
    page.goto("/accounts/2fa/")
    audit("two-factor overview, turned on")
    context.clear_cookies()
    sign_in(page, "karen")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("two-factor", re.I))
    audit("second-factor sign-in")
    assert not report, "\n".join(report)
