"""A phone with JavaScript off, at 360 px: the menu opens, every link in it is reachable, and a person can
sign in, search, write and reach their dashboard."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .scenes import PASSWORD, lively_site


@pytest.fixture
def scene(transactional_db):
    return lively_site()


@pytest.fixture
def phone(new_context):
    return new_context(viewport=PHONE, java_script_enabled=False).new_page()


def open_menu(page):
    menu = page.locator("#site-menu")
    if menu.get_attribute("open") is None:
        page.locator("#site-menu > summary").click()
    expect(page.locator("#site-nav")).to_be_visible()


def assert_menu_links_reachable(page):
    """Every link and button of the open menu shows, inside the 360 px screen, and can take focus."""
    items = page.locator("#site-nav a, #site-nav button, #site-nav input[type=search]")
    assert items.count() >= 3
    for index in range(items.count()):
        item = items.nth(index)
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], item.inner_text()
        item.focus()
        assert page.evaluate("(el) => document.activeElement === el", item.element_handle())


def test_the_phone_menu_opens_and_closes_without_javascript(scene, phone):
    phone.goto("/")
    sign_in = phone.get_by_role("link", name="Sign in")
    expect(sign_in).to_be_hidden()
    open_menu(phone)
    expect(sign_in).to_be_visible()
    assert_menu_links_reachable(phone)
    phone.locator("#site-menu > summary").click()
    expect(sign_in).to_be_hidden()


def test_the_menu_opens_from_the_keyboard(scene, phone):
    phone.goto("/")
    phone.locator("#site-menu > summary").focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("link", name="Sign in")).to_be_visible()


def test_on_a_wide_screen_the_menu_shows_without_a_toggle(scene, new_context):
    page = new_context(viewport=DESKTOP, java_script_enabled=False).new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("#site-menu > summary")).to_be_hidden()


def test_a_person_signs_in_searches_writes_and_reaches_the_dashboard_on_a_phone_without_javascript(scene, phone):
    phone.goto("/")
    open_menu(phone)
    phone.get_by_role("link", name="Sign in").click()
    phone.locator("main form [name=login]").fill("karen")
    phone.locator("main form [name=password]").fill(PASSWORD)
    phone.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()

    open_menu(phone)
    expect(phone.get_by_role("button", name=re.compile("Sign out", re.I))).to_be_visible()
    assert_menu_links_reachable(phone)

    phone.locator("#site-search").fill("victories")
    phone.locator("#site-search").press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Search")
    expect(phone.locator(".search-result").get_by_role("link", name="A list of small victories")).to_be_visible()

    open_menu(phone)
    phone.get_by_role("link", name="Write", exact=True).click()
    form = phone.locator("main form.post-form")
    form.locator("[name=title]").fill("Written on a phone")
    form.locator("[name=body]").fill("No scripts were needed.")
    form.get_by_role("button", name="Publish", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Written on a phone")

    open_menu(phone)
    phone.get_by_role("link", name="Dashboard").click()
    expect(phone.get_by_role("link", name="Written on a phone").first).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_blogs_own_search_works_on_a_phone_without_javascript(scene, phone):
    phone.goto("/@marguerite/")
    phone.locator("#blog-search-q").fill("frost")
    phone.locator("#blog-search-q").press("Enter")
    expect(phone.locator(".search-scope")).to_contain_text("Marguerite")
    expect(phone.locator(".search-result")).to_have_count(1)
    expect(phone.locator(".search-result")).to_contain_text("What the frost left")
