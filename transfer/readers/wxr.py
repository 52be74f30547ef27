"""WordPress's export (WXR 1.0 to 1.2), Blogsite's own WXR included: posts with their comments nested."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

from django.utils import timezone

from ..report import Notice
from ..wordpress import has_blocks, shortcodes, wpautop
from ..xmlstream import ImportFileError, XMLStream, local_name, namespace
from .common import (
    APPROVED,
    DRAFT,
    PENDING,
    PUBLISHED,
    REMOVED,
    SCHEDULED,
    SPAM,
    CommentRecord,
    PostRecord,
    Progress,
    Skipped,
    children_by_name,
    plain_title,
    raw_text_of,
    text_of,
    url_path,
)

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WFW_NS = "http://wellformedweb.org/CommentAPI/"
WXR_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
WXR_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")


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
