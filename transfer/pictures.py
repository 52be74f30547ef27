"""Pictures come along: images an imported post shows from the old blog's own hosts are fetched, checked,
stored here, and the post rewritten to them.

Which pictures: those on Blogger's hosts (`*.blogspot.com`, `*.bp.blogspot.com`, `*.googleusercontent.com`)
and, for a WordPress blog, under `/wp-content/uploads/` on the blog's own host. Other people's pictures
stay where they are.

Fetching is guarded (`blogsite.fetch`), as anything that makes the server open connections a file asks
for must be: http(s) only; public addresses only unless inside a network of `IMPORT_FETCH_ALLOWED_NETWORKS`;
redirects checked the same way; at most `IMPORT_FETCH_MAX_MB`, in at most `IMPORT_FETCH_TIMEOUT` seconds in
all; and the bytes must be a picture the media library takes (it checks them, and keeps only the pixels).
Pictures go into the blogger's media library. A picture that can't be fetched keeps its old address and is
counted in the summary with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from blogsite import fetch as guarded
from blogsite.fetch import FetchError
from library import services as library_services
from library.models import Picture

from .report import Notice

BLOGGER_PICTURE_HOSTS = (".blogspot.com", ".googleusercontent.com")
# nh3 writes every attribute in double quotes, so the stored HTML's image addresses match this exactly.
IMG_SRC = re.compile(r'(<img\b[^<>]*?\ssrc=")([^"]*)(")', re.IGNORECASE)
USER_AGENT = "Blogsite-import (fetching a blog's own pictures for its owner)"


@dataclass
class PictureReport:
    fetched: int = 0
    # Why pictures stayed at their old address: `Notice`s of transfer.report.PICTURE_FAILURES -> count.
    failed: Counter = field(default_factory=Counter)
    # The media library's pictures this import stored, to remove again if the import does not finish.
    picture_pks: list[int] = field(default_factory=list)


def is_old_blog_picture(url: str, *, wordpress_base: str = "") -> bool:
    """Whether `url` is a picture on the old blog's own hosts (see the module's docstring)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host.endswith(BLOGGER_PICTURE_HOSTS) or host in ("blogspot.com", "googleusercontent.com"):
        return True
    if wordpress_base:
        base = urlsplit(wordpress_base)
        base_host = (base.hostname or "").lower()
        return host == base_host and "/wp-content/uploads/" in parts.path
    return False


def fetch(url: str) -> bytes:
    """The body of `url`, fetched under the guards of the module's docstring (`blogsite.fetch`). Raises
    FetchError."""
    response = guarded.fetch(
        url,
        headers={"User-Agent": USER_AGENT, "Accept": "image/*"},
        max_bytes=settings.IMPORT_FETCH_MAX_MB * 2**20,
        timeout=settings.IMPORT_FETCH_TIMEOUT,
        allowed_networks=settings.IMPORT_FETCH_ALLOWED_NETWORKS,
    )
    if response.status != 200:
        raise FetchError(f"the old site answered {response.status}", code="answered", status=response.status)
    return response.body


def store_picture(*, owner, data: bytes, source_url: str) -> Picture:
    """Check `data` as a picture and keep it in `owner`'s media library (`library.services.store_picture`:
    JPEG, PNG, GIF or WebP by content, its metadata dropped, renditions made by a task, the quota applied).
    Raises FetchError with the reason when the library refuses it."""
    try:
        return library_services.store_picture(owner=owner, file=BytesIO(data))
    except ValidationError as error:
        if any(getattr(e, "code", "") == "quota" for e in error.error_list):
            raise FetchError("the media library is full", code="library_full") from None
        raise FetchError(
            "it is not a JPEG, PNG, GIF or WebP picture the media library takes", code="not_a_picture"
        ) from None


def bring_pictures(html: str, *, owner, wordpress_base: str, done: dict[str, str], report: PictureReport) -> str:
    """`html` with the old blog's pictures replaced by copies stored here. `done` maps addresses already
    fetched in this import to their new ones (or to themselves, when they failed)."""

    def replace(match: re.Match) -> str:
        old = match[2]
        url = old.replace("&amp;", "&")
        if not is_old_blog_picture(url, wordpress_base=wordpress_base):
            return match[0]
        if url not in done:
            try:
                picture = store_picture(owner=owner, data=fetch(url), source_url=url)
                done[url] = picture.url
                report.fetched += 1
                report.picture_pks.append(picture.pk)
            except FetchError as exc:
                done[url] = old
                report.failed[Notice.of(exc.code or "fetch_failed", **exc.params)] += 1
        return match[1] + done[url] + match[3]

    return IMG_SRC.sub(replace, html)
