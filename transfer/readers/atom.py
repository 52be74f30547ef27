"""What both Blogger schemas share: an Atom feed of entries, read in two passes (posts, then comments)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from django.utils import timezone

from blogsite.params import parse_iso

from ..xmlstream import ImportFileError, XMLStream, local_name
from .common import (
    DRAFT,
    PUBLISHED,
    SCHEDULED,
    PostRecord,
    Progress,
    Skipped,
    autop,
    children_by_name,
    normalize_legacy_path,
    plain_title,
    slug_from_path,
    text_of,
    url_path,
)

ATOM_NS = "http://www.w3.org/2005/Atom"
BLOGGER_2018_NS = "http://schemas.google.com/blogger/2018"
GD_NS = "http://schemas.google.com/g/2005"
THR_NS = "http://purl.org/syndication/thread/1.0"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"


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


def not_blogger(kind: str) -> Skipped:
    return Skipped.of("blogger_other", kind=kind[:60]) if kind else Skipped.of("blogger_unknown")


class AtomReader:
    """A Blogger export as an Atom feed of entries, read in two passes (posts, then comments)."""

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
