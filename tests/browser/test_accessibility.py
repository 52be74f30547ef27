"""axe-core (from node_modules) on the main pages, in both colour schemes: no serious or critical violation.

One test per colour scheme walks every page, so that the scene is built once per scheme; the failure
message lists every page's violations together. The light scheme gets every rule; the dark one the rules
that depend on colour (the markup is the same in both).
"""

import pytest

from .conftest import describe_violations, run_axe, sign_in
from .scenes import lively_site, with_moderation_work

# name, who is signed in (a scene person or None), the page's path for a scene
PAGES = [
    ("front page", None, lambda scene: "/"),
    ("a blog", None, lambda scene: "/@karen/"),
    ("a post with a deep thread and the comment form", "sp", lambda scene: scene.thread_post.get_absolute_url()),
    ("sign-up", None, lambda scene: "/accounts/signup/"),
    ("write", "karen", lambda scene: "/write/"),
    ("dashboard", "karen", lambda scene: "/dashboard/"),
    ("profile and notification settings", "karen", lambda scene: "/accounts/profile/"),
    ("comment moderation", "karen", lambda scene: "/dashboard/comments/"),
    ("the inbox", "karen", lambda scene: "/inbox/"),
    ("a blog's follow page", None, lambda scene: "/@karen/follow/"),
    ("following a blog", "sp", lambda scene: "/@karen/follow/"),
    ("a member's comments", None, lambda scene: "/@sp/comments/"),
]


@pytest.fixture
def scene(transactional_db):
    return with_moderation_work(lively_site())


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_main_pages_have_no_serious_accessibility_violation(scene, new_context, live_server, color_scheme):
    # axe is injected as a script tag, which the site's own CSP rightly refuses; only these contexts bypass it.
    contexts = {None: new_context(color_scheme=color_scheme, bypass_csp=True)}
    report = []
    for name, who, path in PAGES:
        if who not in contexts:
            contexts[who] = new_context(color_scheme=color_scheme, bypass_csp=True)
            sign_in(contexts[who], scene.people[who], live_server.url)
        page = contexts[who].new_page()
        response = page.goto(path(scene))
        assert response.ok, f"{name}: {response.status}"
        violations = run_axe(page, only_colours=color_scheme == "dark")
        if violations:
            report.append(f"{name} ({color_scheme}):\n{describe_violations(violations)}")
        page.close()
    assert not report, "\n".join(report)
