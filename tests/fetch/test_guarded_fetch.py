"""The guarded outgoing fetch (blogsite/fetch.py) every app uses for addresses that come from outside."""

import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from blogsite import fetch as fetch_module
from blogsite.fetch import FetchError, check_address, fetch
from tests.fakesite import fake_site
from tests.loopback import serve


class Peer(BaseHTTPRequestHandler):
    """A server on 127.0.0.1 that echoes what it was sent, or redirects, or answers an error."""

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/echo")
            self.end_headers()
            return
        if self.path == "/missing":
            self._answer(404, b"no such thing")
            return
        self._answer(200, f"GET {self.path} {self.headers.get('Accept', '')}".encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/moved":
            self.send_response(307)
            self.send_header("Location", "/echo")
            self.end_headers()
            return
        self._answer(202, b"POST " + body)

    def _answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("X-Peer", "yes")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def peer(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with serve(Peer) as base:
        yield base


def test_loopback_is_refused_unless_a_setting_allows_it(peer, settings):
    settings.FETCH_ALLOWED_NETWORKS = []

    with pytest.raises(FetchError, match="private or local"):
        fetch(f"{peer}/echo", max_bytes=1000, timeout=2)


def test_an_allowed_network_is_fetched_with_the_headers_given(peer):
    response = fetch(f"{peer}/echo", headers={"Accept": "application/activity+json"}, max_bytes=1000, timeout=2)

    assert response.status == 200
    assert response.body == b"GET /echo application/activity+json"
    assert response.headers["x-peer"] == "yes"


def test_an_error_status_is_returned_for_the_caller_to_judge(peer):
    response = fetch(f"{peer}/missing", max_bytes=1000, timeout=2)

    assert response.status == 404
    assert response.body == b"no such thing"


def test_a_get_follows_redirects_and_says_where_it_ended(peer):
    response = fetch(f"{peer}/moved", max_bytes=1000, timeout=2)

    assert response.body.startswith(b"GET /echo")
    assert response.url == f"{peer}/echo"


def test_a_post_sends_its_body_and_never_follows_a_redirect(peer):
    assert fetch(f"{peer}/echo", method="POST", body=b"hello", max_bytes=1000, timeout=2).body == b"POST hello"
    assert fetch(f"{peer}/moved", method="POST", body=b"hello", max_bytes=1000, timeout=2).status == 307


def test_a_body_over_the_limit_is_refused(peer):
    with pytest.raises(FetchError, match=r"larger than 5\sbytes"):
        fetch(f"{peer}/echo", max_bytes=5, timeout=2)


def test_a_list_of_networks_given_by_the_caller_replaces_the_setting(peer):
    with pytest.raises(FetchError, match="private or local"):
        fetch(f"{peer}/echo", max_bytes=1000, timeout=2, allowed_networks=["10.0.0.0/8"])


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::1",
        "2002:a00:1::1",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::a00:1",
    ],
)
def test_private_and_local_addresses_are_refused_also_inside_6to4_teredo_and_nat64(address):
    with pytest.raises(FetchError):
        check_address(ipaddress.ip_address(address), [])


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "64:ff9b::5db8:d70e"])
def test_public_addresses_and_nat64_of_public_ones_are_allowed(address):
    check_address(ipaddress.ip_address(address), [])


def test_every_address_a_name_resolves_to_is_checked_not_only_the_first(monkeypatch):
    def getaddrinfo(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(FetchError, match="private or local"):
        fetch("http://rebinding.example/", max_bytes=1000, timeout=2)


class HeaderDrip(BaseHTTPRequestHandler):
    """Sends its headers a byte at a time, each well within a read's timeout, 3 seconds in all; says whether
    it got to the end."""

    finished: list[bool] = []
    done = threading.Event()

    def do_GET(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        try:
            for _ in range(60):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
            self.wfile.write(b"\r\nContent-Length: 2\r\n\r\nok")
            self.wfile.flush()
        except OSError:
            self.finished.append(False)
        else:
            self.finished.append(True)
        self.done.set()

    def log_message(self, *args):
        pass


def test_headers_trickling_in_are_cut_off_at_the_time_limit_for_the_whole_fetch(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    HeaderDrip.finished = []
    HeaderDrip.done.clear()
    with serve(HeaderDrip) as base:
        with pytest.raises(FetchError, match="it took too long"):
            fetch(f"{base}/", max_bytes=1000, timeout=0.5)
        HeaderDrip.done.wait(10)
    # The fetch hung up at its time limit instead of waiting for the headers' end.
    assert HeaderDrip.finished == [False]


def test_repeated_headers_are_all_kept_in_order(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with fake_site(
        {
            "/": (
                "page",
                (
                    200,
                    {"Link": ["<a>; rel=x", "<b>; rel=webmention"], "Content-Type": "text/html; charset=ISO-8859-1"},
                    b"",
                ),
            )
        }
    ) as site:
        response = fetch(f"{site.base}/", max_bytes=1000, timeout=2)
    assert response.header_values("Link") == ["<a>; rel=x", "<b>; rel=webmention"]
    assert (response.content_type, response.charset) == ("text/html", "ISO-8859-1")
