"""The community loop in Chromium: following a blog into the inbox and the mailbox, and a held comment that
says why it waits and whose approval reaches its writer."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .scenes import lively_site
from .test_journeys import signed_in_page


@pytest.fixture
def scene(transactional_db):
    return lively_site()


def test_a_reader_follows_a_blog_and_the_new_post_reaches_the_inbox_and_the_mail(scene, new_context):
    follower = UserFactory(username="noor", display_name="Noor")
    reader = signed_in_page(new_context, follower.username)
    reader.goto("/@karen/")
    reader.get_by_role("link", name="Follow this blog").click()
    reader.get_by_label("Email at once").check()
    reader.get_by_role("button", name="Follow").click()
    expect(reader.locator(".follow-state")).to_contain_text("Email at once")

    author = signed_in_page(new_context, "karen")
    author.get_by_role("link", name="Write", exact=True).click()
    form = author.locator("main form.post-form")
    form.locator("[name=title]").fill("Seedlings on the sill")
    form.locator("[name=body]").fill("Tomatoes first, then *peppers*.")
    form.get_by_role("button", name="Publish", exact=True).click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Seedlings on the sill")

    reader.goto("/")
    expect(reader.locator("#inbox-link")).to_contain_text("1")
    reader.locator("#inbox-link").click()
    entry = reader.locator(".inbox-entry").first
    expect(entry).to_contain_text("New post by Karen")
    expect(entry).to_contain_text("Seedlings on the sill")
    entry.get_by_role("button", name="Mark read").click()
    expect(reader.locator("#inbox-link .badge")).to_have_count(0)

    [message] = [m for m in mail.outbox if m.to == [follower.email]]
    assert "Seedlings on the sill" in message.subject
    assert "/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_a_held_comment_says_why_and_its_approval_reaches_the_commenter(scene, new_context):
    newcomer = UserFactory(username="ines", display_name="Inês")
    post = scene.posts[3]
    writer = signed_in_page(new_context, newcomer.username)
    writer.goto(post.get_absolute_url())
    writer.locator("#comment-form [name=body]").fill("My very first comment here.")
    writer.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(author=newcomer)
    held = writer.locator(f"#c{comment.pk}")
    expect(held).to_contain_text("Waiting for approval because it is your first comment on this site.")
    expect(held.locator(".comment-notice")).to_contain_text("will appear once the blog")
    expect(held.locator(".comment-notice")).to_be_in_viewport()

    owner = signed_in_page(new_context, post.author.username)
    owner.goto("/dashboard/")
    owner.locator(f"#pending-{comment.pk}").get_by_role("button", name="Approve").click()
    expect(owner.locator(f"#pending-{comment.pk}")).to_have_count(0)

    writer.goto("/inbox/")
    expect(writer.locator(".inbox-entry").first).to_contain_text(re.compile("Your comment on .* was approved"))
    writer.locator(".inbox-entry a").first.click()
    expect(writer.locator(f"#c{comment.pk}")).not_to_contain_text("awaiting moderation")


def test_the_reply_button_says_post_reply_when_the_form_opens_under_a_comment(scene, new_context):
    page = signed_in_page(new_context, "sp")
    page.goto(scene.thread_post.get_absolute_url())
    target = scene.comments[-1]
    page.locator(f"#c{target.pk}").get_by_role("link", name="Reply").click()
    form = page.locator(f"#c{target.pk} form.comment-form")
    expect(form.get_by_role("button", name="Post reply")).to_be_visible()
    form.get_by_role("button", name="Cancel reply").click()
    expect(page.locator("#comment-form").get_by_role("button", name="Post comment")).to_be_visible()


def test_an_imported_guest_claims_their_comments(scene, new_context):
    post = scene.posts[3]
    # As an import leaves a guest's comment: no account, the name and address the old blog had.
    imported = Comment.objects.create_in_thread(
        post=post,
        author=None,
        guest_name="Old Ana",
        guest_email="ana@example.org",
        body="Written on the old blog, years ago.",
        body_html="<p>Written on the old blog, years ago.</p>",
        status=Comment.Status.APPROVED,
    )
    UserFactory(username="ana", display_name="Ana", email="ana@example.org")

    page = signed_in_page(new_context, "ana")
    page.goto("/accounts/profile/")
    offer = page.locator(".claim-offer")
    expect(offer).to_contain_text("1 imported comment was written under an email address you have confirmed")
    offer.get_by_role("button", name="Claim this comment").click()
    expect(page.locator(".messages")).to_contain_text("1 imported comment is now yours.")

    page.goto(post.get_absolute_url())
    claimed = page.locator(f"#c{imported.pk}")
    expect(claimed.locator(".comment-author")).to_have_text("Ana")
    expect(claimed.get_by_role("link", name="Edit")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("ana@example.org")
