"""How imported text becomes a post's or comment's stored fields, the same way the posts and comments apps
make them from what a person writes."""

from __future__ import annotations

from collections import Counter

from posts.markup import COMMENT_HTML, IMPORTED_HTML, html_to_text, render_markdown, sanitize_html

from .wordpress import video_links

__all__ = ["comment_fields", "post_body"]


def post_body(body: str, *, is_markdown: bool, counts: Counter | None = None) -> str:
    """A post's `body`: Markdown as written (Blogsite's own exports), or foreign HTML through the posts'
    allow-list for imported HTML, to be saved with `body_format="html"`. `Post.save` renders either to
    `body_html` and counts its words. YouTube and Vimeo players, which the allow-list drops, become links
    to the video first (counted in `counts`)."""
    if is_markdown:
        return body
    return sanitize_html(video_links(body or "", counts if counts is not None else Counter()), allow=IMPORTED_HTML)


def comment_fields(*, body: str, body_html: str, is_markdown: bool) -> tuple[str, str]:
    """A comment's (`body`, `body_html`): Blogsite's Markdown rendered as the comments app renders it, or
    foreign HTML through the comments' allow-list with its text as the body."""
    cleaned = sanitize_html(body_html or "", allow=COMMENT_HTML)
    if not is_markdown:
        return html_to_text(cleaned), cleaned
    rendered = render_markdown(body, allow=COMMENT_HTML)
    # A comment written here renders from its Markdown again; one brought in from elsewhere earlier has
    # plain text as its body and keeps the HTML it came with.
    if not body_html or sanitize_html(rendered, allow=COMMENT_HTML) == cleaned:
        return body, rendered
    return body, cleaned
