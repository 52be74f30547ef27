"""Blogger's newer export (Google Takeout's `feed.atom`)."""

from __future__ import annotations

from collections.abc import Iterator

from blogsite.params import parse_iso

from .atom import KIND_SCHEME, AtomReader, blogger_id, not_blogger
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
    Skipped,
    text_of,
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


class BloggerTakeoutReader(AtomReader):
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
                yield not_blogger(kind.lower())
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
