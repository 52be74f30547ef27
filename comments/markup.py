"""The Markdown subset readers write comments in: paragraphs, emphasis, links, lists, quotes and code.

Raw HTML is shown as text and images are not rendered; the result passes the site's allow-list sanitizer
with the comment list (`posts.markup.COMMENT_HTML`), which marks links rel="nofollow ugc noopener".
"""

import re

import markdown

from posts.markup import COMMENT_HTML, sanitize_html

# What counts as a link when deciding whether a comment looks like link spam: any web address, written
# out or as a Markdown link target.
LINK_PATTERN = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["fenced_code", "sane_lists"], output_format="html")
    # Readers may not write HTML: without these processors, tags in a comment are escaped as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in ("image_link", "image_reference", "short_image_ref"):
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    return md


def render_comment(body: str) -> str:
    """A comment's sanitized HTML, ready to store as `body_html`."""
    return sanitize_html(_markdown().convert(body), allow=COMMENT_HTML)


def count_links(body: str) -> int:
    """How many web addresses the comment's text contains."""
    return len(LINK_PATTERN.findall(body))
