"""Blogsite's own JSON export (see the README)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from blogsite.params import parse_iso

from ..xmlstream import ImportFileError
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
    normalize_legacy_path,
)

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
