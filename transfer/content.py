"""How an imported post's text becomes its stored body, the same way the posts app makes it from what a person
writes. (A comment's is made by `comments.services.add_imported_comments`.)"""

from __future__ import annotations

from collections import Counter

from posts.markup import IMPORTED_HTML, sanitize_html

from .wordpress import video_links

__all__ = ["post_body"]


def post_body(body: str, *, is_markdown: bool, counts: Counter | None = None) -> str:
    """A post's `body`: Markdown as written (Blogsite's own exports), or foreign HTML through the posts'
    allow-list for imported HTML, to be saved with `body_format="html"`. `Post.save` renders either to
    `body_html` and counts its words. YouTube and Vimeo players, which the allow-list drops, become links
    to the video first (counted in `counts`)."""
    if is_markdown:
        return body
    return sanitize_html(video_links(body or "", counts if counts is not None else Counter()), allow=IMPORTED_HTML)
