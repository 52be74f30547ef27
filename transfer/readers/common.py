"""What every reader shares: the records it yields, the statuses as Blogsite spells them, and small
parsing helpers for addresses, titles, paragraphs and XML children."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.html import strip_tags

from blogsite.params import parse_id

from ..report import Notice
from ..xmlstream import local_name, namespace

# Post statuses and comment statuses as Blogsite spells them (posts.Post.Status, comments.Comment.Status).
PUBLISHED, SCHEDULED, DRAFT = "published", "scheduled", "draft"
APPROVED, PENDING, SPAM, REMOVED = "approved", "pending", "spam", "removed"

Progress = Callable[[int, int], None] | None


@dataclass
class CommentRecord:
    source_id: str
    post_source_id: str
    parent_source_id: str = ""
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    # The commenter's account on the site that exported the blog, when the file names one (Blogsite's own
    # exports; WordPress's through `wp:comment_user_id` and the file's `wp:author` list). It makes the comment
    # someone's here only as the importer decides (see `transfer.importer`), never by itself.
    author_username: str = ""
    # `body` is what a commenter would edit (HTML for foreign formats, Markdown for Blogsite's own).
    body: str = ""
    body_html: str = ""
    status: str = APPROVED
    created_at: datetime | None = None


@dataclass
class PostRecord:
    source_id: str
    title: str
    # HTML, unless `body_is_markdown` (Blogsite's own exports keep the Markdown the author wrote).
    body: str
    status: str
    body_is_markdown: bool = False
    excerpt: str = ""
    slug: str = ""
    published_at: datetime | None = None
    publish_at: datetime | None = None
    created_at: datetime | None = None
    labels: list[str] = field(default_factory=list)
    legacy_paths: list[str] = field(default_factory=list)
    comments_enabled: bool = True
    comments: list[CommentRecord] = field(default_factory=list)
    # Something the blogger should know about how the post was imported (`transfer.report.NOTES`).
    note: Notice | None = None
    # The post's author's username on the site that exported it (`dc:creator`, the JSON's blog owner).
    author_username: str = ""
    # What became of markup this site can't show as it was (`transfer.report.CONVERSIONS`) -> count.
    conversions: Counter = field(default_factory=Counter)


class Skipped(Notice):
    """Part of a file left out: why (a code of `transfer.report.SKIPPED`) with its parameters."""


# ---------------------------------------------------------------------------------------------------------
# Small parsing helpers


def url_path(url: str, base: str = "") -> str:
    """The path of `url` below `base` (both absolute URLs), as a legacy address: "/2011/03/x.html"."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    path = unquote(parts.path) or "/"
    base_path = urlsplit(base).path.rstrip("/") if base else ""
    if base_path and path.startswith(base_path + "/"):
        path = path[len(base_path) :]
    query = parse_qs(parts.query)
    if path in ("", "/") and "p" in query and (old_id := parse_id(query["p"][0])) is not None:
        return f"/?p={old_id}"
    if path in ("", "/"):
        return ""
    return normalize_legacy_path(path)


def normalize_legacy_path(path: str) -> str:
    path = "/" + path.strip().lstrip("/")
    return path.rstrip("/") if len(path) > 1 else path


def slug_from_path(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.removesuffix(".html").removesuffix(".htm")


BLOCK_TAG = re.compile(r"<(p|div|ul|ol|blockquote|pre|h[1-6]|table|figure)[\s>]", re.IGNORECASE)


def autop(text: str) -> str:
    """Plain text with blank-line paragraphs and line breaks (as WordPress stores comments) as HTML."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text or BLOCK_TAG.search(text):
        return text
    paragraphs = re.split(r"\n\s*\n", text)
    return "".join("<p>" + p.strip().replace("\n", "<br>\n") + "</p>\n" for p in paragraphs if p.strip())


def plain_title(title: str) -> str:
    """A foreign post's title as text: HTML in it (`<em>`) is markup the old blog showed, not characters."""
    if "<" not in title:
        return title
    return " ".join(html.unescape(strip_tags(title[:2000])).split())


def children_by_name(elem, names: dict[str, str]) -> dict[str, list]:
    """The element's children grouped by "prefix:local" name, using `names` to map namespaces to prefixes."""
    out: dict[str, list] = {}
    for child in elem:
        ns = namespace(child.tag)
        prefix = names.get(ns, "")
        key = f"{prefix}:{local_name(child.tag)}" if prefix else local_name(child.tag)
        out.setdefault(key, []).append(child)
    return out


def text_of(groups: dict[str, list], name: str) -> str:
    elems = groups.get(name)
    if not elems:
        return ""
    return (elems[0].text or "").strip()


def raw_text_of(groups: dict[str, list], name: str) -> str:
    elems = groups.get(name)
    if not elems:
        return ""
    return elems[0].text or ""
