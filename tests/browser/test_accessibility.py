"""axe-core (from node_modules) on the main pages, in both colour schemes: no serious or critical violation."""

import pytest

from .conftest import describe_violations, run_axe, sign_in
from .scenes import lively_site

PAGES = {
    "front page": lambda scene: "/",
    "a blog": lambda scene: "/@karen/",
    "a post with a deep thread": lambda scene: scene.thread_post.get_absolute_url(),
    "sign-up": lambda scene: "/accounts/signup/",
    "sign-in": lambda scene: "/accounts/login/",
}
SIGNED_IN_PAGES = {
    "a post, signed in": lambda scene: scene.thread_post.get_absolute_url(),
}


@pytest.fixture
def scene(transactional_db):
    return lively_site()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(scene, new_context, name, color_scheme):
    page = new_context(color_scheme=color_scheme, bypass_csp=True).new_page()
    page.goto(PAGES[name](scene))
    violations = run_axe(page)
    assert not violations, f"{name} ({color_scheme}):\n{describe_violations(violations)}"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_signed_in_page_has_no_serious_accessibility_violation(scene, new_context, live_server, name, color_scheme):
    context = new_context(color_scheme=color_scheme, bypass_csp=True)
    sign_in(context, scene.people["karen"], live_server.url)
    page = context.new_page()
    page.goto(SIGNED_IN_PAGES[name](scene))
    violations = run_axe(page)
    assert not violations, f"{name} ({color_scheme}):\n{describe_violations(violations)}"
