"""How imported text becomes a post's or comment's stored fields, the same way the posts app does it."""

from __future__ import annotations

import nh3


def clean_html(html: str) -> str:
    """Imported HTML, passed through the posts' allow-list."""
    return nh3.clean(html or "")
