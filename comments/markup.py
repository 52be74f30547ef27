"""The Markdown subset readers write comments in: paragraphs, emphasis, links, lists, quotes, tables and code.

Raw HTML is shown as text, and images, headings and footnotes are not rendered: the site's one Markdown
pipeline (`posts.markup.render_markdown`) parses what the comment allow-list (`posts.markup.COMMENT_HTML`)
can show, and its sanitizer marks links rel="nofollow ugc noopener".
"""

import re

from posts.markup import COMMENT_HTML, render_markdown

# What counts as a link when deciding whether a comment looks like link spam: any web address, written
# out or as a Markdown link target.
LINK_PATTERN = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def render_comment(body: str) -> str:
    """A comment's sanitized HTML, ready to store as `body_html`."""
    return render_markdown(body, allow=COMMENT_HTML, heading_offset=0, raw_html=False)


def count_links(body: str) -> int:
    """How many web addresses the comment's text contains."""
    return len(LINK_PATTERN.findall(body))
