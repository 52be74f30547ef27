"""Pictures in posts, in Chromium: uploaded with the editor's button and pasted from the clipboard, each with
its alt text asked for; the published post shows them at their renditions' sizes; the library passes axe."""

import base64
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes
from library.models import Picture
from library.tests.factories import make_picture
from posts.models import Post
from posts.services import create_post

from .conftest import describe_violations, run_axe, sign_in


@pytest.fixture
def writer(transactional_db, settings):
    # The live server answers /media/ itself, so that the pictures load (a missing one is a console error).
    settings.SERVE_MEDIA = True
    return UserFactory(username="karen", display_name="Karen")


def paste_picture(page, selector: str, data: bytes, mime: str) -> None:
    """Pastes a picture into the element as the clipboard would: a paste event carrying a file."""
    page.evaluate(
        """([selector, b64, mime]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "image.png", {type: mime}));
            const target = document.querySelector(selector);
            target.focus();
            const paste = new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true});
            target.dispatchEvent(paste);
        }""",
        [selector, base64.b64encode(data).decode(), mime],
    )


def test_a_writer_uploads_and_pastes_pictures_into_a_post_and_publishes_it(writer, new_context, live_server):
    context = new_context()
    sign_in(context, writer, live_server.url)
    page = context.new_page()
    page.goto("/write/")
    form = page.locator("main form.post-form")
    body = form.locator("[name=body]")
    form.locator("[name=title]").fill("Pictures from the allotment")
    body.fill("The first beans.\n\nEnd.")
    body.evaluate("el => el.setSelectionRange(17, 17)")

    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Insert a picture…").click()
    chooser.value.set_files(
        files=[{"name": "beans.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(1200, 800))}]
    )
    dialog = page.get_by_role("dialog", name="Describe the picture")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Alt text").fill("Runner beans on canes")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(page.locator("[data-picture-status]")).to_have_text("Picture inserted.")
    first = Picture.objects.get()
    assert body.input_value() == f"The first beans.\n\n![Runner beans on canes]({first.url})\n\nEnd."

    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    paste_picture(page, "#id_body", image_bytes("PNG", size=(600, 400), color=(20, 160, 40)), "image/png")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(page.locator("[data-picture-status]")).to_contain_text("without alt text")
    pasted = Picture.objects.exclude(pk=first.pk).get()
    assert body.input_value().endswith(f"End.\n\n![]({pasted.url})")
    expect(page.locator("[data-picture-alt-warning]")).to_be_visible()
    expect(page.locator("[data-picture-alt-count]")).to_have_text("1")

    body.evaluate("(el, url) => { el.value = el.value.replace('![](', '![A green square]('); }", pasted.url)
    body.dispatch_event("input")
    expect(page.locator("[data-picture-alt-warning]")).to_be_hidden()
    form.get_by_role("button", name="Publish", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pictures from the allotment")
    beans = page.locator(".post-body img[alt='Runner beans on canes']")
    expect(beans).to_have_attribute("srcset", re.compile(r"-960\.jpg 960w"))
    expect(beans).to_have_attribute("width", "1200")
    expect(beans).to_have_attribute("loading", "lazy")
    expect(page.locator(".post-body picture source[type='image/webp']")).to_have_count(2)
    page.wait_for_function("() => [...document.querySelectorAll('.post-body img')].every(i => i.naturalWidth > 0)")
    post = Post.objects.get()
    assert set(post.pictures.all()) == {first, pasted}


def test_the_toolbars_picture_button_opens_the_uploaders_chooser_and_writes_nothing_itself(
    writer, new_context, live_server
):
    context = new_context()
    sign_in(context, writer, live_server.url)
    page = context.new_page()
    page.goto("/write/")
    body = page.locator("main form.post-form [name=body]")
    body.fill("Before.")
    with page.expect_file_chooser() as chooser:
        page.locator('.editor-toolbar [data-editor-action="picture"]').click()
    chooser.value.set_files(files=[{"name": "pea.png", "mimeType": "image/png", "buffer": image_bytes("PNG")}])
    expect(page.get_by_role("dialog", name="Describe the picture")).to_be_visible()
    assert body.input_value() == "Before."


def test_without_javascript_the_add_a_picture_form_gives_the_markdown(writer, new_context, live_server):
    context = new_context(java_script_enabled=False)
    sign_in(context, writer, live_server.url)
    page = context.new_page()
    page.goto("/write/")
    # It opens beside the editor, so that the post being written stays as it is.
    with context.expect_page() as opened:
        page.get_by_role("link", name="Add a picture").click()
    page = opened.value
    page.locator("main input[name=file]").set_input_files(
        files=[{"name": "x.webp", "mimeType": "image/webp", "buffer": image_bytes("WEBP", size=(300, 200))}]
    )
    page.get_by_label("Alt text", exact=True).fill("A grey gate")
    page.get_by_role("button", name="Upload").click()

    picture = Picture.objects.get()
    expect(page.get_by_label("Markdown to paste into your post")).to_have_value(f"![A grey gate]({picture.url})")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_media_library_has_no_serious_accessibility_violation(writer, new_context, live_server, color_scheme):
    used = make_picture(writer, alt="Runner beans")
    make_picture(writer, alt="")
    create_post(author=writer, title="Beans", body=f"![Runner beans]({used.url})", status="published")
    context = new_context(color_scheme=color_scheme, bypass_csp=True)
    sign_in(context, writer, live_server.url)
    report = []
    for path in ("/media-library/", used.get_absolute_url(), f"/media-library/{used.pk}/delete/"):
        page = context.new_page()
        assert page.goto(path).ok
        violations = run_axe(page, only_colours=color_scheme == "dark")
        if violations:
            report.append(f"{path} ({color_scheme}):\n{describe_violations(violations)}")
        page.close()
    assert not report, "\n".join(report)
