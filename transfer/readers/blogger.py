"""Blogger's classic export (`blog-MM-DD-YYYY.xml`)."""

from __future__ import annotations

from collections.abc import Iterator

from blogsite.params import parse_iso

from ..xmlstream import local_name
from .atom import KIND_SCHEME, AtomReader, blogger_id, not_blogger
from .common import APPROVED, DRAFT, PUBLISHED, REMOVED, CommentRecord, PostRecord, Skipped, text_of


class BloggerClassicReader(AtomReader):
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
                yield not_blogger(kind)

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
