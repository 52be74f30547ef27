"""The site's main journeys, end to end in Chromium: each person in their own browser context."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .scenes import PASSWORD, add_comment, lively_site


@pytest.fixture
def scene(transactional_db):
    return lively_site()


def signed_in_page(new_context, username, password=PASSWORD, **options):
    """A page in a fresh context, signed in through the real sign-in form."""
    page = new_context(**options).new_page()
    page.goto("/accounts/login/")
    page.locator("main form [name=login]").fill(username)
    page.locator("main form [name=password]").fill(password)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("button", name=re.compile("Sign out", re.I))).to_be_visible()
    return page


def test_a_newcomer_signs_up_and_confirms_the_email_from_the_link_in_it(transactional_db, new_context):
    page = new_context().new_page()
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.locator("main form [name=email]").fill("ada@example.org")
    page.locator("main form [name=username]").fill("ada")
    page.locator("main form [name=password1]").fill("a long and private passphrase")
    page.locator("main form [name=password2]").fill("a long and private passphrase")
    page.locator("main form").get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("verify", re.I))

    [message] = [m for m in mail.outbox if "ada@example.org" in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.locator("main form").get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("button", name=re.compile("Sign out", re.I))).to_be_visible()


def test_staff_clear_the_admin_moderation_queue(scene, new_context):
    UserFactory(username="staffer", is_staff=True, is_superuser=True)
    newcomers = [UserFactory(username=f"newcomer{i}") for i in range(3)]
    held = [
        add_comment(post=scene.posts[i], author=person, body=f"First words, number {i}.", status="pending")
        for i, person in enumerate(newcomers)
    ]

    page = signed_in_page(new_context, "staffer")
    page.locator("#pending-comments").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(len(held))
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Approve selected comments")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".messagelist")).to_contain_text("3")
    assert not Comment.objects.pending().exists()
    page.goto("/")
    expect(page.locator("#pending-comments")).to_have_count(0)
