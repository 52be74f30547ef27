"""Reading nested comment threads: folding with JavaScript, everything shown without it."""

import pytest
from playwright.sync_api import expect

from .scenes import add_comment, lively_site


@pytest.fixture
def scene(transactional_db):
    return lively_site()


def test_a_reader_folds_and_unfolds_a_thread(scene, page):
    first = scene.comments[0]
    page.goto(scene.thread_post.get_absolute_url())
    toggle = page.locator(f"#c{first.pk} > .comment-actions .thread-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_contain_text("Hide 7 replies")
    deepest = page.locator(f"#c{scene.comments[7].pk}")
    expect(deepest).to_be_visible()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_contain_text("Show 7 replies")
    expect(deepest).to_be_hidden()
    expect(page.locator(f"#c{scene.comments[8].pk}")).to_be_visible()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(deepest).to_be_visible()


def test_a_long_thread_starts_folded_deep_down_but_opens_the_linked_comment(scene, page):
    post, people = scene.thread_post, scene.people
    second_thread = scene.comments[8]
    branch = second_thread
    for depth in range(1, 6):
        branch = add_comment(
            post=post, author=people["tomasz" if depth % 2 else "sp"], body=f"Level {depth}.", parent=branch
        )
    linked = branch

    page.goto(post.get_absolute_url() + f"#c{linked.pk}")
    expect(page.locator(f"#c{linked.pk}")).to_be_in_viewport()
    # The other long branch, which nobody linked to, starts folded below the third level.
    expect(page.locator(f"#c{scene.comments[7].pk}")).to_be_hidden()
    folded = page.locator(".thread-toggle[aria-expanded=false]")
    expect(folded.first).to_be_visible()


def test_without_javascript_every_reply_is_shown(scene, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(scene.thread_post.get_absolute_url())
    for comment in scene.comments:
        expect(page.locator(f"#c{comment.pk} > .comment-body")).to_be_visible()
    expect(page.locator(".thread-toggle")).to_have_count(0)


def test_a_reader_pages_through_a_long_discussion_and_a_permalink_finds_its_page(scene, page):
    from comments.tests.factories import bulk_threads
    from comments.tree import COMMENTS_PER_PAGE

    post = scene.thread_post
    bulk_threads(post, threads=COMMENTS_PER_PAGE, replies=1)
    roots = list(post.comments.filter(depth=0).order_by("path").values_list("pk", flat=True))
    last = roots[-1]

    page.goto(post.get_absolute_url())
    expect(page.locator(f"#c{last}")).to_have_count(0)
    page.get_by_role("link", name="Latest comments").click()
    expect(page.locator(f"#c{last}")).to_be_visible()
    page.get_by_role("link", name="Earlier").click()
    expect(page.locator(f"#c{last}")).to_have_count(0)
    expect(page.get_by_role("link", name="Later")).to_be_visible()

    # A permalink to a comment on a later page: the script asks the server for the page that holds it.
    page.goto(f"{post.get_absolute_url()}#c{last}")
    expect(page.locator(f"#c{last}")).to_be_in_viewport()
    assert f"comment={last}" in page.url
