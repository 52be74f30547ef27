"""Readers for the export formats Blogsite imports, each turning a file into plain records.

`open_reader(path)` detects the format from the file itself. A reader yields `PostRecord`s (with their
comments when the format nests them) and `Skipped` notes from `posts()`, then any comments the format keeps
apart from their posts from `comments()`; nothing here touches the database.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils import timezone
from django.utils.html import strip_tags

from blogsite.params import parse_id, parse_iso

from .report import Notice
from .wordpress import has_blocks, shortcodes, wpautop
from .xmlstream import ImportFileError, XMLStream, local_name, namespace

ATOM_NS = "http://www.w3.org/2005/Atom"
BLOGGER_2018_NS = "http://schemas.google.com/blogger/2018"
GD_NS = "http://schemas.google.com/g/2005"
THR_NS = "http://purl.org/syndication/thread/1.0"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WFW_NS = "http://wellformedweb.org/CommentAPI/"
WXR_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
WXR_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")

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


def _wp_datetime(value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def parse_wp_date(gmt: str | None, local: str | None = None, rfc822: str | None = None) -> datetime | None:
    """A WordPress date: the GMT column when set, else the RFC 822 pubDate, else local time in TIME_ZONE.

    WordPress writes "0000-00-00 00:00:00" (and a pubDate in year -1) for drafts never saved with a date.
    """
    parsed = _wp_datetime(gmt)
    if parsed is not None:
        return parsed.replace(tzinfo=UTC)
    if rfc822:
        try:
            from_822 = parsedate_to_datetime(rfc822.strip())
        except (TypeError, ValueError, IndexError):
            from_822 = None
        if from_822 is not None and from_822.year > 1970:
            return from_822 if from_822.tzinfo else from_822.replace(tzinfo=UTC)
    parsed = _wp_datetime(local)
    return timezone.make_aware(parsed) if parsed is not None else None


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


def blogger_id(value: str) -> str:
    """Blogger's entry ids look like "tag:blogger.com,1999:blog-123.post-456"; the post or comment is 456."""
    value = (value or "").strip()
    match = re.search(r"\.post-(\d+)$", value)
    if match:
        return match.group(1)
    match = re.search(r"(\d+)$", value)
    return match.group(1) if match else value


def blogger_blog_id(value: str) -> str:
    match = re.search(r"blog-(\d+)", value or "")
    return match.group(1) if match else (value or "").strip()


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


# ---------------------------------------------------------------------------------------------------------
# Detection


def open_reader(path, *, progress: Progress = None):
    """The reader for the file at `path`, chosen by looking at the file. Raises ImportFileError."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ImportFileError("empty")
    if stripped.startswith(b"{"):
        return BlogsiteJSONReader(path, progress=progress)
    if not stripped.startswith(b"<"):
        raise ImportFileError("not_an_export")
    stream = XMLStream(path)
    namespaces: set[str] = set()
    root = None
    with contextlib.closing(stream.events(("start-ns", "start"))) as events:
        for event, payload in events:
            if event == "start-ns":
                namespaces.add(payload[1])
            else:
                root = payload
                break
    if root is None:
        raise ImportFileError("xml_no_root", stream.line)
    if local_name(root.tag) == "rss" and namespace(root.tag) == "":
        if any(WXR_NS.match(ns) for ns in namespaces):
            return WXRReader(path, progress=progress)
        raise ImportFileError("rss_not_wordpress", 1)
    if root.tag == f"{{{ATOM_NS}}}feed":
        if BLOGGER_2018_NS in namespaces:
            return BloggerTakeoutReader(path, progress=progress)
        return BloggerClassicReader(path, progress=progress)
    raise ImportFileError("unknown_root", stream.line, root=local_name(root.tag)[:60])


# ---------------------------------------------------------------------------------------------------------
# WordPress


WP_COMMENT_STATUS = {"1": APPROVED, "approve": APPROVED, "0": PENDING, "hold": PENDING, "spam": SPAM}
# A WXR file lists its authors once, in its channel; more than this is not a blog's export.
MAX_WXR_AUTHORS = 10_000
WP_POST_SKIP_STATUS = {"trash": "wp_trash", "auto-draft": "wp_auto_draft", "inherit": "wp_revision"}


class WXRReader:
    @property
    def format_code(self) -> str:
        # Known once the channel's generator has been read, before the first post.
        return "blogsite_wxr" if self.is_blogsite else "wxr"

    def __init__(self, path, *, progress: Progress = None):
        self.path = path
        self.progress = progress
        self.source = ""
        self.is_blogsite = False
        self.base_url = ""
        self.blog: dict[str, str] = {}
        # wp:author_id -> wp:author_login, from the channel's author list (it comes before the items).
        self.authors: dict[str, str] = {}
        self._names: dict[str, str] = {CONTENT_NS: "content", DC_NS: "dc", WFW_NS: "wfw"}

    def posts(self) -> Iterator[PostRecord | Skipped]:
        stream = XMLStream(self.path, progress=self.progress)
        depth = 0
        channel = None
        seen_channel = False
        for event, payload in stream.events():
            if event == "start-ns":
                uri = payload[1]
                if WXR_NS.match(uri):
                    self._names[uri] = "wp"
                elif WXR_EXCERPT_NS.match(uri):
                    self._names[uri] = "excerpt"
                continue
            if event == "start":
                depth += 1
                if depth == 2 and payload.tag == "channel":
                    channel = payload
                    seen_channel = True
                continue
            elem = payload
            level = depth
            depth -= 1
            if level != 3 or channel is None:
                continue
            if elem.tag == "item":
                if not self.source:
                    self.source = f"wordpress {self.base_url or self.path}"
                record = self._item(elem)
                yield record
                if isinstance(record, Skipped):
                    # Its comments go with it, counted in the summary like it.
                    for tag in self._wp_names("comment"):
                        for _ in elem.iter(tag):
                            yield Skipped.of("comment_on_skipped_post")
            else:
                self._channel_field(elem)
            elem.clear()
            del channel[:]
        if not seen_channel:
            raise ImportFileError("wp_no_channel")

    def comments(self) -> Iterator[CommentRecord | Skipped]:
        return iter(())

    def _wp_names(self, local: str) -> list[str]:
        return [f"{{{uri}}}{local}" for uri, prefix in self._names.items() if prefix == "wp"]

    def _channel_field(self, elem):
        name = self._names.get(namespace(elem.tag), "")
        key = f"{name}:{local_name(elem.tag)}" if name else elem.tag
        value = (elem.text or "").strip()
        if key in ("title", "description"):
            self.blog[key] = html.unescape(value)
        if value and (key == "wp:base_blog_url" or (key == "link" and not self.base_url)):
            self.base_url = value
        elif key == "generator" and "blogsite" in value.lower():
            self.is_blogsite = True
        elif key == "wp:author":
            g = children_by_name(elem, self._names)
            author_id, login = text_of(g, "wp:author_id"), text_of(g, "wp:author_login")
            if author_id and login and len(self.authors) < MAX_WXR_AUTHORS:
                self.authors[author_id] = login

    def _item(self, item) -> PostRecord | Skipped:
        g = children_by_name(item, self._names)
        post_id = text_of(g, "wp:post_id")
        title = html.unescape(text_of(g, "title"))
        label = f'"{title[:80]}"' if title else f"#{post_id[:20]}"
        post_type = text_of(g, "wp:post_type") or "post"
        if post_type in ("page", "attachment"):
            return Skipped.of(post_type)
        if post_type != "post":
            return Skipped.of("wp_item", type=post_type[:60])
        if not post_id:
            raise ImportFileError("wp_post_no_id", post=label)
        wp_status = text_of(g, "wp:status") or "publish"
        if wp_status in WP_POST_SKIP_STATUS:
            return Skipped.of(WP_POST_SKIP_STATUS[wp_status], status=wp_status)
        date = parse_wp_date(text_of(g, "wp:post_date_gmt"), text_of(g, "wp:post_date"), text_of(g, "pubDate"))
        meta = self._meta(g.get("wp:postmeta", []), "wp:meta_key", "wp:meta_value")
        note = None
        if text_of(g, "wp:post_password"):
            # Readers needed the password there; here the blogger decides again what to publish.
            status = DRAFT
            note = Notice.of("wp_password")
        elif wp_status == "publish":
            status = PUBLISHED
        elif wp_status == "future":
            status = SCHEDULED
        else:
            status = DRAFT
            if wp_status == "private":
                note = Notice.of("wp_private")
            elif wp_status == "pending":
                note = Notice.of("wp_pending")
        if status != DRAFT and date is None:
            raise ImportFileError("wp_post_no_date", post=label, status=wp_status)
        labels = []
        for cat in g.get("category", []):
            # As WordPress's importer reads terms: a category or a tag (WXR 1.0 says "tag") with its
            # nicename; WXR 1.0 also lists each category again without one, which is not a term.
            if cat.get("domain") not in ("category", "post_tag", "tag") or not cat.get("nicename"):
                continue
            if cat.get("domain") == "category" and cat.get("nicename") == "uncategorized":
                continue
            name = html.unescape((cat.text or "").strip())
            if name and name not in labels:
                labels.append(name)
        # A Blogsite export lists the old addresses its posts were imported with; its own addresses are not
        # addresses of the blog it is imported into.
        legacy = list(meta.get("_blogsite_legacy_path", []))
        if not self.is_blogsite:
            legacy.extend(url_path(text_of(g, name), self.base_url) for name in ("link", "guid"))
            legacy.append(f"/?p={post_id}")
        legacy = [path for path in legacy if path]
        markdown = meta.get("_blogsite_markdown")
        conversions: Counter = Counter()
        body = markdown[0] if markdown else raw_text_of(g, "content:encoded")
        if not markdown and not self.is_blogsite:
            body = shortcodes(body, conversions)
            body = body if has_blocks(body) else wpautop(body)
            title = plain_title(title)
        record = PostRecord(
            source_id=post_id,
            title=title,
            conversions=conversions,
            body=body,
            body_is_markdown=bool(markdown),
            status=status,
            excerpt=raw_text_of(g, "excerpt:encoded").strip(),
            slug=unquote(text_of(g, "wp:post_name")),
            published_at=date if status != DRAFT else None,
            publish_at=date if status == SCHEDULED else None,
            created_at=date,
            labels=labels,
            legacy_paths=list(dict.fromkeys(legacy)),
            comments_enabled=(text_of(g, "wp:comment_status") or "open") == "open",
            note=note,
            author_username=text_of(g, "dc:creator"),
        )
        for elem in g.get("wp:comment", []):
            record.comments.append(self._comment(elem, post_id))
        return record

    def _meta(self, elems, key_name, value_name) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for elem in elems:
            g = children_by_name(elem, self._names)
            out.setdefault(text_of(g, key_name), []).append(raw_text_of(g, value_name))
        return out

    def _comment(self, elem, post_id) -> CommentRecord | Skipped:
        g = children_by_name(elem, self._names)
        kind = text_of(g, "wp:comment_type") or "comment"
        if kind in ("pingback", "trackback"):
            return Skipped.of(kind)
        if kind != "comment":
            return Skipped.of("wp_comment_type", type=kind[:60])
        comment_id = text_of(g, "wp:comment_id")
        if not comment_id:
            raise ImportFileError("wp_comment_no_id", post=post_id[:20])
        approved = text_of(g, "wp:comment_approved")
        meta = self._meta(g.get("wp:commentmeta", []), "wp:meta_key", "wp:meta_value")
        content = raw_text_of(g, "wp:comment_content")
        markdown = meta.get("_blogsite_markdown")
        parent = text_of(g, "wp:comment_parent")
        username = (meta.get("_blogsite_username") or [""])[0] if self.is_blogsite else ""
        user_id = text_of(g, "wp:comment_user_id")
        if not username and user_id not in ("", "0"):
            username = self.authors.get(user_id, "")
        return CommentRecord(
            source_id=comment_id,
            post_source_id=post_id,
            parent_source_id="" if parent in ("", "0") else parent,
            author_name=html.unescape(text_of(g, "wp:comment_author")),
            author_email=text_of(g, "wp:comment_author_email"),
            author_url=text_of(g, "wp:comment_author_url"),
            author_username=username,
            body=markdown[0] if markdown else wpautop(content),
            body_html=content if self.is_blogsite else wpautop(content),
            status=WP_COMMENT_STATUS.get(approved, REMOVED if "trash" in approved else PENDING),
            created_at=parse_wp_date(text_of(g, "wp:comment_date_gmt"), text_of(g, "wp:comment_date")),
        )


# ---------------------------------------------------------------------------------------------------------
# Blogger


def _not_blogger(kind: str) -> Skipped:
    return Skipped.of("blogger_other", kind=kind[:60]) if kind else Skipped.of("blogger_unknown")


class _AtomReader:
    """What both Blogger schemas share: an Atom feed of entries, read in two passes (posts, then comments)."""

    format_code = "blogger_classic"

    def __init__(self, path, *, progress: Progress = None):
        self.path = path
        self.progress = progress
        self.source = ""
        self.blog: dict[str, str] = {}
        self._names = {ATOM_NS: "", BLOGGER_2018_NS: "blogger", THR_NS: "thr", GD_NS: "gd"}

    def _entries(self) -> Iterator[dict[str, list]]:
        stream = XMLStream(self.path, progress=self.progress)
        depth = 0
        feed = None
        for event, elem in stream.events(("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    feed = elem
                continue
            level = depth
            depth -= 1
            if level != 2 or feed is None:
                continue
            if elem.tag == f"{{{ATOM_NS}}}entry":
                if not self.source:
                    raise ImportFileError("atom_no_id")
                yield children_by_name(elem, self._names)
            elif elem.tag == f"{{{ATOM_NS}}}id":
                self._feed_id((elem.text or "").strip())
            elif elem.tag in (f"{{{ATOM_NS}}}title", f"{{{ATOM_NS}}}subtitle"):
                key = "title" if elem.tag.endswith("}title") else "description"
                self.blog[key] = html.unescape((elem.text or "").strip())
            elem.clear()
            del feed[:]

    def _feed_id(self, value: str):
        if not value.startswith("tag:blogger.com,"):
            raise ImportFileError("atom_not_blogger", id=value[:60])
        self.source = f"blogger {blogger_blog_id(value)}"

    @staticmethod
    def _content(g) -> str:
        elems = g.get("content")
        if not elems:
            return ""
        content = elems[0]
        kind = content.get("type", "text")
        if kind == "xhtml":
            import xml.etree.ElementTree as ET  # nosec B405 # serializing, not parsing

            return "".join(ET.tostring(child, encoding="unicode") for child in content)
        text = content.text or ""
        return text if kind == "html" else autop(html.escape(text))

    @staticmethod
    def _author(g) -> tuple[str, str, str, str]:
        """(name, email, url, type) of the entry's author."""
        authors = g.get("author")
        if not authors:
            return "", "", "", ""
        name = email = url = kind = ""
        for child in authors[0]:
            tag = local_name(child.tag)
            value = (child.text or "").strip()
            if tag == "name":
                name = value
            elif tag == "email":
                email = "" if value.endswith("@blogger.com") else value
            elif tag == "uri":
                url = value
            elif tag == "type":
                kind = value
        return name, email, url, kind

    @staticmethod
    def _alternate(g) -> str:
        for link in g.get("link", []):
            if link.get("rel") == "alternate":
                return link.get("href", "")
        return ""

    def _post(self, g, *, source_id: str, status: str, labels: list[str], filename: str) -> PostRecord:
        title = plain_title(html.unescape(text_of(g, "title")))
        published = parse_iso(text_of(g, "published"))
        created = parse_iso(text_of(g, "blogger:created")) or published
        if status == PUBLISHED and published and published > timezone.now():
            status = SCHEDULED
        if status != DRAFT and published is None:
            raise ImportFileError("blogger_post_no_date", title=title[:80], id=source_id[:80])
        legacy = [p for p in (normalize_legacy_path(filename) if filename else "", url_path(self._alternate(g))) if p]
        return PostRecord(
            source_id=source_id,
            title=title,
            body=self._content(g),
            status=status,
            slug=slug_from_path(legacy[0]) if legacy else "",
            published_at=published if status != DRAFT else None,
            publish_at=published if status == SCHEDULED else None,
            created_at=created,
            labels=labels,
            legacy_paths=list(dict.fromkeys(legacy)),
        )


class BloggerClassicReader(_AtomReader):
    """Blogger's classic export (`blog-MM-DD-YYYY.xml`): every entry says what it is with a kind category."""

    format_code = "blogger_classic"
    LABEL_SCHEME = "http://www.blogger.com/atom/ns#"

    @staticmethod
    def _kind(g) -> str:
        for cat in g.get("category", []):
            if cat.get("scheme") == KIND_SCHEME:
                return cat.get("term", "").rsplit("#", 1)[-1]
        return ""

    def posts(self) -> Iterator[PostRecord | Skipped]:
        for g in self._entries():
            kind = self._kind(g)
            if kind == "post":
                yield self._classic_post(g)
            elif kind == "comment":
                continue
            elif kind == "page":
                yield Skipped.of("page")
            elif kind == "settings":
                yield Skipped.of("blogger_settings")
            elif kind == "template":
                yield Skipped.of("blogger_template")
            else:
                yield _not_blogger(kind)

    def _classic_post(self, g) -> PostRecord:
        draft = False
        for control in g.get("control", []):
            for child in control:
                if local_name(child.tag) == "draft" and (child.text or "").strip().lower() == "yes":
                    draft = True
        labels = [
            cat.get("term", "").strip()
            for cat in g.get("category", [])
            if cat.get("scheme") == self.LABEL_SCHEME and cat.get("term", "").strip()
        ]
        return self._post(
            g,
            source_id=blogger_id(text_of(g, "id")),
            status=DRAFT if draft else PUBLISHED,
            labels=list(dict.fromkeys(labels)),
            filename="",
        )

    def comments(self) -> Iterator[CommentRecord | Skipped]:
        for g in self._entries():
            if self._kind(g) != "comment":
                continue
            replies_to = g.get("thr:in-reply-to")
            if not replies_to:
                yield Skipped.of("blogger_no_reply_to")
                continue
            parent = ""
            for link in g.get("link", []):
                if link.get("rel") == "related":
                    parent = blogger_id(link.get("href", "").rstrip("/"))
            removed = any(
                p.get("name") == "blogger.contentRemoved" and p.get("value") == "true"
                for p in g.get("gd:extendedProperty", [])
            )
            name, email, url, _ = self._author(g)
            body = self._content(g)
            yield CommentRecord(
                source_id=blogger_id(text_of(g, "id")),
                post_source_id=blogger_id(replies_to[0].get("ref", "")),
                parent_source_id=parent,
                author_name=name,
                author_email=email,
                author_url=url,
                body=body,
                body_html=body,
                status=REMOVED if removed else APPROVED,
                created_at=parse_iso(text_of(g, "published")),
            )


BLOGGER_POST_STATUS = {"LIVE": PUBLISHED, "DRAFT": DRAFT, "SCHEDULED": SCHEDULED}
BLOGGER_COMMENT_STATUS = {
    "LIVE": APPROVED,
    "PENDING": PENDING,
    "SPAM": SPAM,
    "SPAM_COMMENT": SPAM,
    "DELETED": REMOVED,
    "SOFT_TRASHED": REMOVED,
}


class BloggerTakeoutReader(_AtomReader):
    """Blogger's newer export (Google Takeout's `feed.atom`), with the blogger/2018 namespace."""

    format_code = "blogger_takeout"

    def posts(self) -> Iterator[PostRecord | Skipped]:
        for g in self._entries():
            kind = text_of(g, "blogger:type").upper()
            if kind == "COMMENT":
                continue
            if kind == "PAGE":
                yield Skipped.of("page")
                continue
            if kind != "POST":
                yield _not_blogger(kind.lower())
                continue
            status = text_of(g, "blogger:status").upper()
            if status in ("SOFT_TRASHED", "DELETED"):
                yield Skipped.of("blogger_trash", status=status)
                continue
            labels = [
                cat.get("term", "").strip()
                for cat in g.get("category", [])
                if cat.get("scheme") != KIND_SCHEME and cat.get("term", "").strip()
            ]
            yield self._post(
                g,
                source_id=blogger_id(text_of(g, "id")),
                status=BLOGGER_POST_STATUS.get(status, DRAFT),
                labels=list(dict.fromkeys(labels)),
                filename=text_of(g, "blogger:filename"),
            )

    def comments(self) -> Iterator[CommentRecord | Skipped]:
        for g in self._entries():
            if text_of(g, "blogger:type").upper() != "COMMENT":
                continue
            post = text_of(g, "blogger:parent")
            if not post:
                yield Skipped.of("blogger_no_parent")
                continue
            name, email, url, _ = self._author(g)
            body = self._content(g)
            yield CommentRecord(
                source_id=blogger_id(text_of(g, "id")),
                post_source_id=blogger_id(post),
                parent_source_id=blogger_id(text_of(g, "blogger:inReplyTo")),
                author_name=name,
                author_email=email,
                author_url=url,
                body=body,
                body_html=body,
                status=BLOGGER_COMMENT_STATUS.get(text_of(g, "blogger:status").upper(), PENDING),
                created_at=parse_iso(text_of(g, "published")) or parse_iso(text_of(g, "blogger:created")),
            )


# ---------------------------------------------------------------------------------------------------------
# Blogsite's own JSON


JSON_FORMAT = "blogsite-export"


class BlogsiteJSONReader:
    """Blogsite's JSON export (see the README). Read whole: it is our own, compact format."""

    format_code = "blogsite_json"
    is_blogsite = True

    def __init__(self, path, *, progress: Progress = None):
        self.path = path
        self.progress = progress
        self.source = ""
        self.owner = ""
        self.blog: dict[str, str] = {}

    def _load(self) -> dict:
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
        except UnicodeDecodeError as exc:
            raise ImportFileError("json_not_utf8", detail=exc.reason) from None
        except json.JSONDecodeError as exc:
            raise ImportFileError("json_malformed", exc.lineno, detail=exc.msg) from None
        if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
            raise ImportFileError("json_not_blogsite", format=JSON_FORMAT)
        if data.get("version") != 1:
            raise ImportFileError("json_version", version=repr(data.get("version"))[:60])
        return data

    def posts(self) -> Iterator[PostRecord | Skipped]:
        data = self._load()
        blog = data.get("blog") or {}
        self.blog = {key: str(blog.get(key) or "") for key in ("title", "description")}
        self.source = f"blogsite {data.get('site', '')} {blog.get('owner', '')}".strip()
        self.owner = str(blog.get("owner") or "")
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise ImportFileError("json_no_posts")
        total = len(posts) or 1
        for index, item in enumerate(posts, 1):
            yield self._post(item, index)
            if self.progress:
                self.progress(index, total)

    def comments(self) -> Iterator[CommentRecord | Skipped]:
        return iter(())

    def _post(self, item, index: int) -> PostRecord:
        if not isinstance(item, dict) or "id" not in item:
            raise ImportFileError("json_post_no_id", index=index)
        status = item.get("status")
        if status not in (PUBLISHED, SCHEDULED, DRAFT):
            raise ImportFileError("json_post_status", post=str(item["id"])[:60], status=repr(status)[:60])
        published_at = parse_iso(item.get("published_at"))
        if status != DRAFT and published_at is None:
            raise ImportFileError("json_post_no_date", post=str(item["id"])[:60], status=status)
        record = PostRecord(
            source_id=str(item["id"]),
            title=str(item.get("title", "")),
            body=str(item.get("body", "")),
            body_is_markdown=item.get("body_format", "markdown") != "html",
            status=status,
            excerpt=str(item.get("excerpt", "")),
            slug=str(item.get("slug", "")),
            published_at=published_at,
            publish_at=parse_iso(item.get("publish_at")),
            created_at=parse_iso(item.get("created_at")),
            labels=[str(x) for x in item.get("labels", [])],
            legacy_paths=[normalize_legacy_path(str(p)) for p in item.get("legacy_paths", [])],
            comments_enabled=bool(item.get("comments_enabled", True)),
            author_username=self.owner,
        )
        for c in item.get("comments", []):
            if not isinstance(c, dict) or "id" not in c:
                raise ImportFileError("json_comment_no_id", post=str(item["id"])[:60])
            record.comments.append(
                CommentRecord(
                    source_id=str(c["id"]),
                    post_source_id=record.source_id,
                    parent_source_id=str(c["parent"]) if c.get("parent") is not None else "",
                    author_name=str(c.get("author_name", "")),
                    author_email=str(c.get("author_email", "")),
                    author_url=str(c.get("author_url", "")),
                    author_username=str(c.get("author_username", "")),
                    body=str(c.get("body", "")),
                    body_html=str(c.get("body_html", "")),
                    status=c.get("status") if c.get("status") in (APPROVED, PENDING, SPAM, REMOVED) else PENDING,
                    created_at=parse_iso(c.get("created_at")),
                )
            )
        return record
