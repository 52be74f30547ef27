"""What comments' text rules need beyond rendering, which is the site's one Markdown pipeline with the comment
allow-list (`posts.markup.render_markdown(body, allow=posts.markup.COMMENT_HTML)`).
"""

import re

# What counts as a link when deciding whether a comment looks like link spam: any web address, written
# out or as a Markdown link target.
LINK_PATTERN = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def count_links(body: str) -> int:
    """How many web addresses the comment's text contains."""
    return len(LINK_PATTERN.findall(body))
