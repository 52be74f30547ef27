"""Pictures come along: images an imported post shows from the old blog's own hosts are fetched, checked,
stored here, and the post rewritten to them.

Which pictures: those on Blogger's hosts (`*.blogspot.com`, `*.bp.blogspot.com`, `*.googleusercontent.com`)
and, for a WordPress blog, under `/wp-content/uploads/` on the blog's own host. Other people's pictures
stay where they are.

Fetching is guarded, as anything that makes the server open connections a file asks for must be: http(s)
only; every address the host name resolves to must be public (no private, loopback, link-local, multicast
or reserved address) unless it is inside a network of `IMPORT_FETCH_ALLOWED_NETWORKS`, and the connection
goes to the address that was checked (a second lookup could answer otherwise); each redirect is checked
the same way, at most three; the response may be at most `IMPORT_FETCH_MAX_MB` and take at most
`IMPORT_FETCH_TIMEOUT` seconds in all; and the bytes must be a picture the media library takes (it checks
them, and keeps only the pixels). Pictures go into the blogger's media library. A picture
that can't be fetched keeps its old address and is counted in the summary with the reason.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from library import services as library_services
from library.models import Picture

BLOGGER_PICTURE_HOSTS = (".blogspot.com", ".googleusercontent.com")
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
# nh3 writes every attribute in double quotes, so the stored HTML's image addresses match this exactly.
IMG_SRC = re.compile(r'(<img\b[^<>]*?\ssrc=")([^"]*)(")', re.IGNORECASE)
USER_AGENT = "Blogsite-import (fetching a blog's own pictures for its owner)"


class FetchError(Exception):
    """A picture that could not be fetched: a short reason, as the summary counts it."""


@dataclass
class PictureReport:
    fetched: int = 0
    failed: Counter = field(default_factory=Counter)
    # The media library's pictures this import stored, to remove again if the import does not finish.
    picture_pks: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.fetched and not self.failed:
            return []
        kept = sum(self.failed.values())
        out = [f"  pictures: {self.fetched} brought into this site, {kept} kept at their old address"]
        out.extend(f"    {n}: {reason}" for reason, n in sorted(self.failed.items()))
        return out


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


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.IMPORT_FETCH_ALLOWED_NETWORKS]


def _check_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allowed) -> None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed):
        return
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        raise FetchError("its address is a private or local one, which this site does not fetch from")
    if not ip.is_global:
        raise FetchError("its address is not a public one")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host, port, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = self.pinned_socket = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self.pinned_socket = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str) -> bytes:
    """The body of `url`, fetched under the guards of the module's docstring. Raises FetchError."""
    allowed = allowed_networks()
    max_bytes = settings.IMPORT_FETCH_MAX_MB * 2**20
    deadline = time.monotonic() + settings.IMPORT_FETCH_TIMEOUT
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("not an http(s) address")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except (OSError, ValueError, UnicodeError):
            raise FetchError("its host name does not resolve") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        for ip in addresses:
            _check_address(ip, allowed)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("it took too long")
        connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(parts.hostname, port, address=str(addresses[0]), timeout=remaining)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                if not location:
                    raise FetchError("a redirect without an address")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"the old site answered {response.status}")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"larger than {settings.IMPORT_FETCH_MAX_MB} MB")
            body = BytesIO()
            while True:
                # A socket's timeout bounds each wait, not their sum: a body trickling in a byte at a time
                # is given what is left of the deadline, and read1 returns whatever has arrived.
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FetchError("it took too long")
                connection.pinned_socket.settimeout(remaining)
                if not (chunk := response.read1(CHUNK)):
                    return body.getvalue()
                if body.tell() + len(chunk) > max_bytes:
                    raise FetchError(f"larger than {settings.IMPORT_FETCH_MAX_MB} MB")
                body.write(chunk)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError | socket.timeout):
                raise FetchError("it took too long") from None
            raise FetchError("the old site could not be reached") from None
        finally:
            connection.close()
    raise FetchError("too many redirects")


def store_picture(*, owner, data: bytes, source_url: str) -> Picture:
    """Check `data` as a picture and keep it in `owner`'s media library (`library.services.store_picture`:
    JPEG, PNG, GIF or WebP by content, its metadata dropped, renditions made by a task, the quota applied).
    Raises FetchError with the reason when the library refuses it."""
    try:
        return library_services.store_picture(owner=owner, file=BytesIO(data))
    except ValidationError as error:
        if any(getattr(e, "code", "") == "quota" for e in error.error_list):
            raise FetchError("the media library is full") from None
        raise FetchError("it is not a JPEG, PNG, GIF or WebP picture the media library takes") from None


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
                report.failed[str(exc)] += 1
        return match[1] + done[url] + match[3]

    return IMG_SRC.sub(replace, html)
