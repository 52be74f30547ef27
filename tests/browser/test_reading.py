"""Reading the site in a real browser: layout, colour schemes, keyboard, phone widths, no JavaScript."""

import pytest

from .conftest import PHONE, sign_in
from .scenes import lively_site


@pytest.fixture
def scene(transactional_db):
    return lively_site()


def luminance(css_color: str) -> float:
    """Relative luminance (WCAG) of an `rgb(r, g, b)` colour string."""
    channels = [int(part) / 255 for part in css_color[css_color.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def page_colours(page) -> tuple[str, str]:
    return page.evaluate("() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; }")


def test_a_reader_goes_from_the_front_page_to_a_post(scene, page):
    page.goto("/")
    page.get_by_role("link", name="A list of small victories").click()
    page.wait_for_url(f"**{scene.thread_post.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == "A list of small victories"
    assert "small notebook" not in page.locator(".post-body").inner_text()


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(scene, page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"


def test_keyboard_focus_is_visible_on_links(scene, page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none"
    assert float(outline[1].removesuffix("px")) >= 2


@pytest.mark.parametrize("java_script_enabled", [True, False], ids=["with-js", "without-js"])
def test_dark_scheme_readers_get_a_dark_page_with_light_text(scene, new_context, java_script_enabled):
    page = new_context(color_scheme="dark", java_script_enabled=java_script_enabled).new_page()
    page.goto(scene.thread_post.get_absolute_url())
    background, text = page_colours(page)
    assert luminance(background) < 0.05
    assert luminance(text) > 0.6
    if java_script_enabled:
        assert page.evaluate("() => document.documentElement.dataset.bsTheme") == "dark"


def test_light_scheme_readers_get_a_light_page_with_dark_text(scene, page):
    page.goto(scene.thread_post.get_absolute_url())
    background, text = page_colours(page)
    assert luminance(background) > 0.9
    assert luminance(text) < 0.05
    assert page.evaluate("() => document.documentElement.dataset.bsTheme") == "light"


def test_post_text_keeps_a_comfortable_measure_on_a_wide_screen(scene, page):
    page.goto(scene.thread_post.get_absolute_url())
    width, font_size = page.evaluate(
        "() => { const b = document.querySelector('.post-body p');"
        " return [b.getBoundingClientRect().width, parseFloat(getComputedStyle(b).fontSize)]; }"
    )
    characters_per_line = width / (font_size * 0.5)
    assert 55 <= characters_per_line <= 80, f"{characters_per_line:.0f} characters a line"
    assert font_size >= 17


def test_the_site_has_a_favicon(scene, page):
    page.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert "<svg" in response.text()


@pytest.mark.parametrize("java_script_enabled", [True, False], ids=["with-js", "without-js"])
def test_pages_fit_a_360px_phone_without_sideways_scrolling(scene, new_context, live_server, java_script_enabled):
    reader = new_context(viewport=PHONE, java_script_enabled=java_script_enabled)
    writer = new_context(viewport=PHONE, java_script_enabled=java_script_enabled)
    sign_in(writer, scene.people["karen"], live_server.url)
    visits = [
        (reader, path)
        for path in ["/", "/@karen/", scene.thread_post.get_absolute_url(), "/accounts/signup/", "/accounts/login/"]
    ] + [
        (writer, path)
        for path in ["/write/", "/dashboard/", "/dashboard/comments/", scene.thread_post.get_absolute_url()]
    ]
    for context, path in visits:
        page = context.new_page()
        page.goto(path)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], f"{path} is {scroll_width}px wide"
        page.close()


def test_the_phone_menu_opens_with_the_toggle(scene, new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    sign_in = page.get_by_role("link", name="Sign in")
    assert not sign_in.is_visible()
    page.locator("#site-menu > summary").click()
    sign_in.wait_for(state="visible")
