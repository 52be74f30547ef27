"""Guarded outgoing HTTP: the one way the site opens connections to addresses that come from outside (an
imported blog's pictures, fediverse actors and inboxes, webmention sources).

Whoever names the address, the guard is the same: http(s) only; every address the host name resolves to
(all its A and AAAA records) must be public (no private, loopback, link-local, shared, multicast or reserved
address, nor an IPv6 address carrying one of those IPv4 ones: IPv4-mapped, 6to4, Teredo or NAT64) unless
it lies in one of the allowed networks (`FETCH_ALLOWED_NETWORKS` by default; tests list 127.0.0.1 there), and
the connection goes to the address that was checked, since a second lookup could answer otherwise; each redirect is
checked the same way, at most three; and the response may be at most `max_bytes` long and take at most
`timeout` seconds in all, headers and body included (a server trickling them in a byte at a time is cut off).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from blogsite.sentences import FETCH_ERRORS, in_english

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(Exception):
    """A fetch that was refused or failed: a `code` with its `params`, which pages and mails say in their
    reader's language (`blogsite.sentences.FETCH_ERRORS`), and which reads in English in logs. A caller that
    refuses an answer for a reason of its own may give its own words instead (`message`)."""

    def __init__(self, message: str = "", *, code: str = "", **params):
        super().__init__(message or code)
        self.message = message
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return self.message or in_english(FETCH_ERRORS, self.code, self.params)


@dataclass
class Response:
    status: int
    # Header names in lower case; a repeated header keeps its last value (see `header_values` for all).
    headers: dict[str, str]
    body: bytes
    # The address that answered, after any redirects.
    url: str
    # Every header as sent, in order, names in lower case: `Link`, say, may come several times.
    header_list: list[tuple[str, str]] = field(default_factory=list)

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.header_list if key == name.lower()]

    @property
    def content_type(self) -> str:
        """The media type without its parameters, in lower case (`text/html`)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for parameter in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip('"'):
                return value.strip().strip('"')
        return None


def networks(cidrs: list[str]) -> list[Network]:
    """`cidrs` (such as `["127.0.0.1/32"]`) as networks."""
    return [ipaddress.ip_network(n, strict=False) for n in cidrs]


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(ip: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, 6to4, Teredo (server and client), NAT64."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return list(ip.teredo)
    if any(ip in prefix for prefix in NAT64_PREFIXES):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def check_address(ip: Address, allowed: list[Network]) -> None:
    """Raises FetchError unless `ip` is public or inside one of the `allowed` networks.

    An IPv6 address that carries IPv4 ones is judged by them: a 6to4 address holding 127.0.0.1 is loopback,
    and a NAT64 gateway's address of a public IPv4 one is public."""
    if any(ip in network for network in allowed):
        return
    for candidate in embedded_ipv4(ip) or [ip]:
        if any(candidate in network for network in allowed):
            continue
        if (
            candidate.is_private
            or candidate.is_loopback
            or candidate.is_link_local
            or candidate.is_multicast
            or candidate.is_reserved
            or candidate.is_unspecified
        ):
            raise FetchError(code="private_address")
        if not candidate.is_global:
            raise FetchError(code="not_public")


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


def resolve(url: str, allowed: list[Network]) -> tuple[str, int, str]:
    """The host, port and checked address `url` is fetched from. Raises FetchError."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or (443 if scheme == "https" else 80)
        # A name in another script goes on the wire (Host header, TLS name) in its ASCII form.
        host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    except (ValueError, UnicodeError):
        raise FetchError(code="not_http") from None
    if scheme not in ("http", "https") or not host:
        raise FetchError(code="not_http")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise FetchError(code="no_such_host") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise FetchError(code="no_such_host")
    for ip in addresses:
        check_address(ip, allowed)
    return host, port, str(addresses[0])


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    max_bytes: int,
    timeout: float,
    allowed_networks: list[str] | None = None,
    follow_redirects: bool = True,
) -> Response:
    """`url`'s answer, fetched under the guards of the module's docstring, whatever its status.

    Only GET follows redirects (when `follow_redirects`). Raises FetchError when the address is refused, the
    server cannot be reached, or the answer is too large or too slow.
    """
    allowed = networks(settings.FETCH_ALLOWED_NETWORKS if allowed_networks is None else allowed_networks)
    deadline = time.monotonic() + timeout
    headers = dict(headers or {})
    for _ in range(MAX_REDIRECTS + 1):
        host, port, address = resolve(url, allowed)
        parts = urlsplit(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(code="too_slow")
        connection_class = _PinnedHTTPSConnection if parts.scheme.lower() == "https" else _PinnedHTTPConnection
        connection = connection_class(host, port, address=address, timeout=remaining)
        # A socket's timeout bounds each wait, not their sum: at the deadline the connection is cut, whatever
        # it is waiting for (headers trickling in a byte at a time, say).
        expired = threading.Event()
        timer = threading.Timer(remaining, _cut, (connection, expired))
        timer.daemon = True
        timer.start()
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(method, path, body=body, headers=headers)
            if expired.is_set():
                # The time ran out while connecting, before there was a socket to cut.
                raise FetchError(code="too_slow")
            response = connection.getresponse()
            if follow_redirects and method == "GET" and response.status in REDIRECTS:
                location = response.getheader("Location") or ""
                if not location:
                    raise FetchError(code="redirect_without_address")
                url = urljoin(url, location)
                continue
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(code="too_large", size_bytes=max_bytes)
            data = BytesIO()
            while chunk := response.read1(CHUNK):
                if data.tell() + len(chunk) > max_bytes:
                    raise FetchError(code="too_large", size_bytes=max_bytes)
                data.write(chunk)
            if expired.is_set():
                # Cut off: what arrived may be only part of it.
                raise FetchError(code="too_slow")
            header_list = [(name.lower(), value) for name, value in response.getheaders()]
            return Response(
                status=response.status,
                headers=dict(header_list),
                body=data.getvalue(),
                url=url,
                header_list=header_list,
            )
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or isinstance(exc, TimeoutError | socket.timeout):
                raise FetchError(code="too_slow") from None
            raise FetchError(code="unreachable") from None
        finally:
            timer.cancel()
            connection.close()
    raise FetchError(code="too_many_redirects")


def _cut(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    """Hang up `connection` (from the deadline's timer thread): its reads then end at once. The plain socket's
    shutdown, even under TLS: the TLS layer's own would change its state under the reading thread."""
    expired.set()
    sock = getattr(connection, "pinned_socket", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
