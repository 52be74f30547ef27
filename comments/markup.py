"""The Markdown subset readers write comments in: paragraphs, emphasis, links, lists, quotes and code.

Raw HTML is shown as text and images are not rendered; the result passes an allow-list sanitizer (nh3),
and every link gets rel="nofollow ugc noopener" so that comment links pass no ranking and open no opener.
"""

import re

import markdown
import nh3

COMMENT_TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}}
COMMENT_URL_SCHEMES = {"http", "https", "mailto"}
COMMENT_LINK_REL = "nofollow ugc noopener"

# What counts as a link when deciding whether a comment looks like link spam: any web address or
# Markdown link target, written out or not.
LINK_PATTERN = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    # Readers may not write HTML: without these two processors, tags in a comment are escaped as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in ("image_link", "image_reference", "short_image_ref"):
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    return md


def render_comment(body: str) -> str:
    """A comment's sanitized HTML, ready to store as `body_html`."""
    html = _markdown().convert(body)
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=COMMENT_URL_SCHEMES,
        link_rel=COMMENT_LINK_REL,
    )


def count_links(body: str) -> int:
    """How many web addresses the comment's text contains."""
    return len(LINK_PATTERN.findall(body))
