"""A real browser opens the pages that carry the XSS corpus and no script of the payloads runs.

The site's Content-Security-Policy would stop most injected scripts anyway, so the browser here sees the
pages with that header removed: what is tested is that the markup itself is inert. A payload that ran
would open a dialog (every payload calls alert, confirm or prompt), which fails the test. Requests to
other hosts are refused, so nothing leaves the machine. Needs Chromium (CHROMIUM_PATH, /usr/bin/chromium).
"""

import pytest

from comments.tests.factories import CommentFactory
from posts.markup import COMMENT_HTML, render_markdown
from posts.models import Blog
from posts.tests.factories import PostFactory
from tests.browser.conftest import CHROMIUM_PATH, sign_in

from .xss_payloads import PAYLOADS, SHORT_PAYLOADS

if CHROMIUM_PATH.exists():
    from tests.browser.conftest import browser  # noqa: F401 - the session's Chromium, shared with tests/browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM_PATH.exists(), reason=f"Chromium not found at {CHROMIUM_PATH}"),
]


def _hostile_site(owner, reader):
    owner.display_name = SHORT_PAYLOADS[2].text
    owner.bio = "\n\n".join(p.text for p in SHORT_PAYLOADS[:20])
    owner.save()
    reader.display_name = '"><img src=x onerror=alert("name")>'
    reader.save()
    Blog.objects.update_or_create(owner=owner, defaults={"comment_policy": "open"})
    body = "\n\n".join(p.text.replace("\x00", "") for p in PAYLOADS)
    post = PostFactory(author=owner, title='<img src=x onerror=alert("title")>', slug="hostile", body=body)
    previous = None
    for n, payload in enumerate(PAYLOADS):
        text = payload.text.replace("\x00", "")  # PostgreSQL text cannot hold NUL (the forms refuse it)
        parent = previous if n % 3 else None
        previous = CommentFactory(
            post=post, author=reader, parent=parent, body=text, body_html=render_markdown(text, allow=COMMENT_HTML)
        )
    return post


def test_no_payload_opens_a_dialog_in_chromium_even_without_the_csp(
    browser, live_server, transactional_db, owner, reader
):
    post = _hostile_site(owner, reader)
    origin = live_server.url.rstrip("/")
    dialogs, errors = [], []

    def without_csp(route):
        if not route.request.url.startswith(origin):
            route.abort("blockedbyclient")
            return
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
        route.fulfill(response=response, headers=headers)

    context = browser.new_context(base_url=origin)
    try:
        context.route("**/*", without_csp)
        sign_in(context, owner, origin)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        for url in [
            post.get_absolute_url(),
            "/",
            f"/@{owner.username}/",
            f"/@{owner.username}/about/",
            "/dashboard/",
            post.get_edit_url(),
            "/search/?q=alert",
        ]:
            page.goto(url, wait_until="load")
            # Give error and load handlers (broken images, autofocus, animations) a moment to fire.
            page.wait_for_timeout(300)
            for element in page.query_selector_all("main a, main img, main input, main details")[:40]:
                try:
                    element.hover(timeout=300)
                except Exception:  # noqa: S112 - an element that cannot be hovered is simply skipped
                    continue
    finally:
        context.close()
    assert dialogs == []
    assert not [e for e in errors if "alert" in e or "prompt" in e or "confirm" in e]
