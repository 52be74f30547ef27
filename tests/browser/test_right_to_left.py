"""Right to left: an Arabic blog read in an Arabic interface is mirrored (thread lines and indentation, the
menu, the sidebar) and fits a phone; the footer's language switch works without JavaScript; axe-core finds
no serious violation on the blog settings and an Arabic post."""

import itertools

import pytest
from playwright.sync_api import expect

from posts.models import Blog

from .conftest import PHONE, describe_violations, run_axe, sign_in
from .scenes import lively_site


@pytest.fixture
def scene(transactional_db):
    scene = lively_site()
    Blog.objects.filter(owner=scene.people["karen"]).update(language="ar", title="دفتر الانتصارات الصغيرة")
    return scene


# The distance from the viewport's right edge to where each box starts, for the root comment and the first
# reply down each level of the thread.
BOX_STARTS = """ids => ids.map(id => innerWidth - document.getElementById(id).getBoundingClientRect().right)"""


@pytest.mark.parametrize("path", ["blog", "post"])
def test_an_arabic_blog_is_right_to_left_and_fits_a_phone(scene, new_context, path):
    page = new_context(viewport=PHONE, locale="ar").new_page()
    url = "/@karen/" if path == "blog" else scene.thread_post.get_absolute_url()

    page.goto(url)

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    # The menu's toggle sits at the end of the bar, which right to left is its left.
    toggle = page.locator(".site-menu > summary").bounding_box()
    assert toggle["x"] + toggle["width"] < PHONE["width"] / 2


def test_the_sidebar_is_mirrored_on_a_wide_screen(scene, new_context):
    page = new_context(locale="ar").new_page()
    page.goto("/@karen/")

    main = page.locator(".blog-main").bounding_box()
    sidebar = page.locator(".blog-sidebar").bounding_box()
    assert sidebar["x"] + sidebar["width"] <= main["x"] + 1, (main, sidebar)
    borders = page.locator(".blog-sidebar").evaluate(
        "el => [getComputedStyle(el).borderRightWidth, getComputedStyle(el).borderLeftWidth]"
    )
    assert borders == ["1px", "0px"], borders


def test_thread_indentation_and_lines_are_mirrored(scene, new_context):
    page = new_context(viewport=PHONE, locale="ar").new_page()
    page.goto(scene.thread_post.get_absolute_url())

    ids = [f"c{comment.pk}" for comment in scene.comments[:4]]
    starts = page.evaluate(BOX_STARTS, ids)

    # Each reply starts further from the right edge than the comment it answers.
    assert all(parent < reply for parent, reply in itertools.pairwise(starts)), starts
    line = page.evaluate(
        """id => { const s = getComputedStyle(document.querySelector(`#${id} > .comment-replies`));
                   return [s.borderRightWidth, s.borderLeftWidth]; }""",
        ids[0],
    )
    assert line == ["2px", "0px"], f"the thread line is not on the right: {line}"


def test_an_arabic_post_in_an_english_interface_is_marked_right_to_left(scene, new_context):
    page = new_context(locale="en").new_page()
    page.goto(scene.thread_post.get_absolute_url())

    expect(page.locator("html")).not_to_have_attribute("dir", "rtl")
    article = page.locator("article.post")
    expect(article).to_have_attribute("dir", "rtl")
    assert article.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".site-header").evaluate("el => getComputedStyle(el).direction") == "ltr"


def test_the_footer_switch_changes_the_language_without_javascript(scene, new_context):
    page = new_context(viewport=PHONE, locale="en", java_script_enabled=False).new_page()
    page.goto("/@tomasz/")

    page.select_option("#language-switch", "ar")
    page.get_by_role("button", name="Change language").click()

    expect(page).to_have_url(f"{page.url.split('/@', 1)[0]}/@tomasz/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#language-switch")).to_have_value("ar")


def test_blog_settings_and_an_arabic_post_have_no_serious_accessibility_violation(scene, new_context, live_server):
    report = []
    writer = new_context(bypass_csp=True)
    sign_in(writer, scene.people["karen"], live_server.url)
    reader = new_context(viewport=PHONE, locale="ar", bypass_csp=True)
    for name, context, path in [
        ("blog settings", writer, "/dashboard/blog/"),
        ("an Arabic post, right to left", reader, scene.thread_post.get_absolute_url()),
        ("an Arabic blog, right to left", reader, "/@karen/"),
    ]:
        page = context.new_page()
        response = page.goto(path)
        assert response.ok, f"{name}: {response.status}"
        if violations := run_axe(page):
            report.append(f"{name}:\n{describe_violations(violations)}")
        page.close()
    assert not report, "\n".join(report)
