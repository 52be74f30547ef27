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


def test_a_newcomer_signs_up_confirms_the_email_writes_a_labelled_post_and_publishes_it(transactional_db, new_context):
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

    page.get_by_role("link", name="Write", exact=True).click()
    form = page.locator("main form.post-form")
    form.locator("[name=title]").fill("Hello, Blogsite")
    form.locator("[name=body]").fill("My *first* post.\n\nIt has two paragraphs.")
    form.locator("[name=labels]").fill("Greetings, First steps")
    form.get_by_role("button", name="Save draft").click()
    expect(page.locator(".draft-notice")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("link", name="Hello, Blogsite")).to_have_count(0)

    page.goto("/dashboard/")
    page.locator(".dashboard-drafts").get_by_role("link", name="edit").click()
    page.locator("main form.post-form").get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".draft-notice")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Blogsite")
    expect(page.locator(".post-body em")).to_have_text("first")
    expect(page.locator(".post-labels")).to_contain_text("Greetings")
    expect(page.locator(".post-labels")).to_contain_text("First steps")

    reader = new_context().new_page()
    reader.goto("/")
    reader.get_by_role("link", name="Hello, Blogsite").click()
    expect(reader.locator(".post-body")).to_contain_text("It has two paragraphs.")
    reader.locator(".post-labels").get_by_role("link", name="Greetings").click()
    expect(reader.get_by_role("link", name="Hello, Blogsite")).to_be_visible()


def test_a_reader_comments_the_owner_approves_it_and_replies_in_place(scene, new_context):
    newcomer = UserFactory(username="noor", display_name="Noor")
    post = scene.posts[3]  # Karen's "Finishing early": no comments yet
    assert post.author.username == "karen"

    reader = signed_in_page(new_context, newcomer.username)
    reader.goto(post.get_absolute_url())
    reader.locator("#comment-form [name=body]").fill("Finishing early is the best feeling. Congratulations!")
    reader.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(author=newcomer)
    held = reader.locator(f"#c{comment.pk}")
    expect(held).to_contain_text("awaiting moderation")

    owner = signed_in_page(new_context, "karen")
    owner.goto("/dashboard/")
    item = owner.locator(f"#pending-{comment.pk}")
    expect(item).to_contain_text("Finishing early is the best feeling")
    item.get_by_role("button", name="Approve").click()
    expect(owner.locator(f"#pending-{comment.pk}")).to_have_count(0)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    owner.goto(post.get_absolute_url())
    approved = owner.locator(f"#c{comment.pk}")
    expect(approved).not_to_contain_text("awaiting moderation")
    url_before = owner.url
    approved.get_by_role("link", name="Reply").click()
    form = approved.locator("form.comment-form")
    expect(form).to_be_visible()
    assert owner.url == url_before, "the reply form opens in place, without leaving the page"
    expect(form.locator("[name=body]")).to_be_focused()
    form.locator("[name=body]").fill("Thank you, Noor! It was a good week.")
    form.get_by_role("button", name=re.compile("Post reply|Post comment")).click()

    reply = Comment.objects.get(parent=comment)
    nested = owner.locator(f"#c{comment.pk} #c{reply.pk}")
    expect(nested).to_contain_text("Thank you, Noor!")
    reader.reload()
    expect(reader.locator(f"#c{comment.pk} #c{reply.pk}")).to_contain_text("Thank you, Noor!")


def test_replying_without_javascript_goes_through_the_reply_page(scene, new_context):
    target = scene.comments[-1]
    page = signed_in_page(new_context, "sp", java_script_enabled=False)
    page.goto(scene.thread_post.get_absolute_url())
    page.locator(f"#c{target.pk}").get_by_role("link", name="Reply").click()
    assert page.url.endswith(f"/comments/{target.pk}/reply/")
    page.locator("main form [name=body]").fill("No script needed to say this.")
    page.get_by_role("button", name=re.compile("Post reply|Post comment")).click()
    reply = Comment.objects.get(parent=target)
    expect(page.locator(f"#c{target.pk} #c{reply.pk}")).to_contain_text("No script needed")


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
    # The select-all box selects the rows only once the admin's actions.js has set it up, as the document
    # finishes loading; ticked before that, it selects nothing.
    page.wait_for_load_state()
    page.locator("#action-toggle").check()
    expect(page.locator("#result_list tbody tr.selected")).to_have_count(len(held))
    page.locator("select[name=action]").select_option(label="Approve selected comments")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".messagelist")).to_contain_text("3")
    assert not Comment.objects.pending().exists()
    page.goto("/")
    expect(page.locator("#pending-comments")).to_have_count(0)
