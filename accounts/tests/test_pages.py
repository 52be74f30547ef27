"""Every account page renders in the site's layout, labels its fields and carries no inline code."""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail

from accounts.views import verify_email_response

pytestmark = pytest.mark.django_db


class PageAudit(HTMLParser):
    """Collects what the checks below need: labelled ids, form controls and inline code."""

    def __init__(self):
        super().__init__()
        self.labels_for = set()
        self.controls = []
        self.inline_code = []
        self.in_label = 0
        self.wrapped = set()
        self.in_main = False
        self._script_has_src = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag == "label":
            self.in_label += 1
            if attrs.get("for"):
                self.labels_for.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit", "button"}:
            self.controls.append(attrs)
            if self.in_label and attrs.get("id"):
                self.wrapped.add(attrs["id"])
        if "style" in attrs:
            self.inline_code.append(f"style attribute on <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.inline_code.append(f"{name} handler on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.inline_code.append(f"javascript: URL on <{tag}>")
        if tag == "script":
            # A JSON data block (allauth's passkey and recovery-code pages configure their scripts so) is
            # never run, so the CSP has nothing to refuse in it.
            self._script_has_src = "src" in attrs or attrs.get("type") == "application/json"
        if tag == "style":
            self.inline_code.append("<style> block")

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1
        if tag == "script":
            self._script_has_src = None

    def handle_data(self, data):
        if self._script_has_src is False and data.strip():
            self.inline_code.append("inline <script> block")

    def unlabelled(self):
        return [
            c.get("name")
            for c in self.controls
            if c.get("id") not in self.labels_for and c.get("id") not in self.wrapped and not c.get("aria-label")
        ]


def audit(response):
    assert response.status_code == 200, response.status_code
    page = PageAudit()
    page.feed(response.content.decode())
    assert page.in_main, "the page is drawn inside the site's base layout"
    assert not page.inline_code, page.inline_code
    assert not page.unlabelled(), page.unlabelled()
    return page


ANONYMOUS_PAGES = [
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/inactive/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
]
SIGNED_IN_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/profile/",
    "/@karen/about/",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_account_pages_are_labelled_and_free_of_inline_code(client, path):
    audit(client.get(path))


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_account_pages_are_labelled_and_free_of_inline_code(client, user, path):
    client.force_login(user)

    audit(client.get(path))


def test_the_sign_up_page_with_errors_is_labelled_and_free_of_inline_code(client):
    response = client.post("/accounts/signup/", {"username": "admin", "email": "nope", "password1": "1"})

    page = audit(response)
    assert "website" in [c.get("name") for c in page.controls], "the honeypot is there, labelled, and hidden"


def test_the_set_password_page_is_labelled(client, user):
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    audit(client.get("/accounts/password/set/"))


def test_the_email_confirmation_page_is_labelled(client, unverified_user):
    address = EmailAddress.objects.get(user=unverified_user)
    key = EmailConfirmationHMAC(address).key

    response = client.get(f"/accounts/confirm-email/{key}/")

    audit(response)
    assert address.email in response.content.decode(), "the page names the address it confirms"
    assert not EmailAddress.objects.get(pk=address.pk).verified, "showing the page confirmed the address"


def test_the_password_reset_form_from_the_emailed_link_is_labelled(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)

    audit(client.get(link, follow=True))


def test_the_verification_required_page_is_labelled(rf, unverified_user):
    request = rf.post("/write/")
    request.user = unverified_user

    response = verify_email_response(request, purpose="write posts")

    assert response.status_code == 403
    response.status_code = 200  # audit() reads a page; the refusal itself is tested on the views that write
    audit(response)
