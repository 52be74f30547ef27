"""The writer's desk in Chromium: toolbar and shortcuts, live preview, autosave across a closed tab,
publishing, editing, and comparing and restoring revisions; then the same pages checked by axe-core."""

import re
import time

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes
from library.models import Picture
from posts.models import Autosave, Post
from posts.services import create_post, update_post

from .conftest import describe_violations, run_axe, sign_in
from .test_pictures import paste_picture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def writer(transactional_db, settings):
    # The live server answers /media/ itself, so that uploaded pictures load in the preview and the post.
    settings.SERVE_MEDIA = True
    return UserFactory(username="ada", display_name="Ada")


def _wait_for(condition, *, timeout=10.0):
    """Polls the database (the browser's request may still be on its way) until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("the condition did not come true in time")


def test_a_writer_previews_loses_the_tab_restores_publishes_edits_and_restores_an_older_revision(
    writer, new_context, live_server
):
    context = new_context()
    sign_in(context, writer, live_server.url)
    page = context.new_page()
    page.goto("/write/")
    form = page.locator("main form.post-form")
    body = form.locator("[name=body]")
    form.locator("[name=title]").fill("Field notes")

    # The toolbar's shortcuts write Markdown and say so to screen readers.
    expect(page.locator(".editor-toolbar")).to_be_visible()
    body.click()
    body.press_sequentially("Birds seen today: ")
    body.press("Control+b")
    expect(page.locator("#editor-announce")).to_have_text("Bold added")
    body.press_sequentially("three")
    page.get_by_role("button", name="Quote").click()
    expect(page.locator("#editor-announce")).to_have_text("Quote added")
    assert body.input_value() == "> Birds seen today: **three**"

    # The toolbar's picture button uploads one (with its alt text); a pasted picture goes the same way.
    body.press("End")
    body.press_sequentially("\n\n")
    with page.expect_file_chooser() as chooser:
        page.locator('.editor-toolbar [data-editor-action="picture"]').click()
    chooser.value.set_files(files=[{"name": "wren.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
    dialog = page.get_by_role("dialog", name="Describe the picture")
    dialog.get_by_label("Alt text").fill("A wren on the fence")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(page.locator("[data-picture-status]")).to_have_text("Picture inserted.")
    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    paste_picture(page, "#id_body", image_bytes("PNG", size=(300, 200), color=(20, 60, 160)), "image/png")
    dialog.get_by_label("Alt text").fill("A blue sky")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(page.locator("[data-picture-status]")).to_have_text("Picture inserted.")
    assert Picture.objects.count() == 2

    # The live preview comes from the server's publishing pipeline.
    preview = page.locator("#editor-preview")
    expect(preview.locator(".post-body blockquote strong")).to_have_text("three")
    expect(preview.locator(".preview-title")).to_have_text("Field notes")
    expect(preview.locator(".post-body img")).to_have_count(2)
    expect(preview.locator(".post-body img[alt='A blue sky']")).to_be_visible()

    # Autosave after a pause in typing; nothing is published.
    expect(page.locator("#autosave-status")).to_contain_text("Unsaved changes kept at", timeout=10_000)
    assert not Post.objects.exists()

    # More words, and the tab closes before the pause is over: leaving the page keeps them.
    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    body.press_sequentially("\n\nA heron at dusk.")
    typed = body.input_value()
    page.close(run_before_unload=True)
    _wait_for(lambda: Autosave.objects.filter(author=writer, body__contains="heron").exists())

    page = context.new_page()
    page.goto("/write/")
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text(re.compile(r"Restore the unsaved version from \d\d:\d\d\?"))
    offer.get_by_role("link", name="Restore it").click()
    body = page.locator("main form.post-form [name=body]")
    expect(body).to_have_value(typed)

    # Ctrl+Enter publishes (once the editor's script, which shows the toolbar, is running).
    expect(page.locator(".editor-toolbar")).to_be_visible()
    body.press("Control+Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Field notes")
    expect(page.locator(".post-body blockquote strong")).to_have_text("three")
    expect(page.locator(".post-body img[alt='A wren on the fence']")).to_be_visible()
    post = Post.objects.get()
    assert post.status == Post.Status.PUBLISHED and not Autosave.objects.exists()
    assert post.pictures.count() == 2

    # Edit, then Ctrl+S updates the published post.
    page.get_by_role("link", name="Edit", exact=True).click()
    body = page.locator("main form.post-form [name=body]")
    body.fill("A quiet day: no birds at all.")
    expect(page.locator(".editor-toolbar")).to_be_visible()
    body.press("Control+s")
    expect(page.locator(".post-body")).to_have_text("A quiet day: no birds at all.")

    # The history compares the two versions and restores the older one.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History of")
    diff = page.locator(".revision-diff")
    expect(diff.locator("del.diff-text").first).to_have_text("> Birds seen today: **three**")
    expect(diff.locator("del.diff-text")).to_have_count(len(typed.splitlines()))
    expect(diff.locator("ins.diff-text")).to_have_text("A quiet day: no birds at all.")
    page.locator(".revision-list tbody tr").nth(1).get_by_role("button", name=re.compile("Restore")).click()
    expect(page.locator(".messages")).to_contain_text("It is now the post's text")
    assert page.locator(".revision-list tbody tr").count() == 3
    page.get_by_role("link", name="View the post").click()
    expect(page.locator(".post-body blockquote strong")).to_have_text("three")


def test_without_an_uploader_the_picture_button_asks_the_page_or_writes_its_markdown(writer, new_context, live_server):
    context = new_context()
    sign_in(context, writer, live_server.url)
    page = context.new_page()
    page.goto("/write/")
    body = page.locator("main form.post-form [name=body]")
    # A page with another picture tool, which answers the event, and then none at all.
    page.evaluate(
        """() => {
            document.querySelector('[data-picture-uploader]').remove();
            document.querySelector('[data-editor-body]').addEventListener('editor:picture', (event) => {
                window.pictureAsked = true;
                event.preventDefault();
            }, {once: true});
        }"""
    )
    picture = page.locator('.editor-toolbar [data-editor-action="picture"]')
    picture.click()
    assert page.evaluate("() => window.pictureAsked") is True
    assert body.input_value() == ""
    picture.click()
    assert body.input_value() == "![Describe the picture](https://)"
    expect(page.locator("#editor-announce")).to_have_text("Picture added; describe it, then give its address")


def test_the_editor_and_the_history_have_no_serious_accessibility_violation(writer, new_context, live_server):
    post = create_post(author=writer, title="Versions", body="One line.\nTwo lines.", status="published")
    code = '```python\n@cached\ndef area(r: float) -> float:\n    return 3.14 * r ** 2  # "pi"\n```\n'
    update_post(post=post, body=f"One line.[^1]\nTwo changed lines.\n\n{code}\n[^1]: A note.\n", labels="notes")
    Autosave.objects.create(author=writer, post=post, title="Versions", body="Unsaved words")
    report = []
    for scheme in ("light", "dark"):
        context = new_context(color_scheme=scheme, bypass_csp=True)
        sign_in(context, writer, live_server.url)
        for name, path in [
            ("new post", "/write/"),
            ("editor with an unsaved version", post.get_edit_url()),
            ("editor with the unsaved version restored", post.get_edit_url() + "?restore=autosave"),
            ("history", post.get_history_url()),
            ("the post, with highlighted code and a footnote", post.get_absolute_url()),
        ]:
            page = context.new_page()
            assert page.goto(path).ok
            if "editor" in name:
                expect(page.locator("#editor-preview .post-body")).to_be_visible()
            violations = run_axe(page, only_colours=scheme == "dark")
            if violations:
                report.append(f"{name} ({scheme}):\n{describe_violations(violations)}")
            page.close()
    assert not report, "\n".join(report)


def test_without_javascript_the_preview_button_and_scheduling_work(writer, new_context, live_server):
    context = new_context(java_script_enabled=False)
    sign_in(context, writer, live_server.url)
    page = context.new_page()
    page.goto("/write/")
    form = page.locator("main form.post-form")
    expect(form.locator(".editor-toolbar")).to_be_hidden()
    form.locator("[name=title]").fill("Planned")
    form.locator("[name=body]").fill("## Soon\n\nIn *a while*.")
    form.get_by_role("button", name="Preview").click()
    expect(page.locator("#editor-preview .post-body h3")).to_have_text("Soon")
    expect(page.locator("#editor-preview .post-body em")).to_have_text("a while")
    assert not Post.objects.exists()

    form = page.locator("main form.post-form")
    expect(form.locator("[name=body]")).to_have_value("## Soon\n\nIn *a while*.")
    expect(form.locator("[name=publish_at]")).to_be_hidden()
    form.locator("summary", has_text="Schedule…").click()
    form.locator("[name=publish_at]").fill("2099-01-31T09:30")
    form.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.locator(".draft-notice")).to_contain_text("scheduled")
    assert Post.objects.get().status == Post.Status.SCHEDULED
