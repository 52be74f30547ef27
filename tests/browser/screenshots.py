"""`make screenshots`: PNGs of the main pages at desktop and phone widths, in both schemes, for the docs.

Not collected by `make test` (the file name does not start with test_); run it by path. Writes into
docs/screenshots/ (SCREENSHOTS_DIR overrides), one file per page, width and colour scheme.
"""

import os
from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE, ROOT, sign_in
from .scenes import lively_site, with_moderation_work

OUT = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "docs" / "screenshots"))

# name, who is signed in (a scene person, "staff" or None), the page's path for a scene
PAGES = [
    ("front", None, lambda scene: "/"),
    ("blog", None, lambda scene: "/@karen/"),
    ("post", "sp", lambda scene: scene.thread_post.get_absolute_url()),
    ("thread", "sp", lambda scene: scene.thread_post.get_absolute_url() + "#comments"),
    ("signup", None, lambda scene: "/accounts/signup/"),
    ("write", "karen", lambda scene: "/write/"),
    ("dashboard", "karen", lambda scene: "/dashboard/"),
    ("admin-queue", "staff", lambda scene: "/admin/comments/comment/?status__exact=pending"),
]
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def scene(transactional_db):
    return with_moderation_work(lively_site())


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots(scene, new_context, live_server, size, color_scheme):
    OUT.mkdir(parents=True, exist_ok=True)
    for name, who, path in PAGES:
        context = new_context(viewport=SIZES[size], color_scheme=color_scheme, device_scale_factor=1)
        if who:
            sign_in(context, scene.people[who], live_server.url)
        page = context.new_page()
        response = page.goto(path(scene))
        assert response.ok, f"{name}: {response.status}"
        page.screenshot(path=str(OUT / f"{name}-{size}-{color_scheme}.png"))
        context.close()
