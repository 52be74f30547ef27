"""A small web site on 127.0.0.1 for tests of outgoing requests: each path answers as its route says.

    with fake_site({"/page": ("text/html", b"<p>hi</p>")}) as site:
        fetch(f"{site.base}/page", ...)
        site.routes["/gone"] = ("status", 410)
        site.posted  # [(path, form body), ...] of every POST

Routes are `(kind, value)`: `("redirect", "/to")` or `("redirect", (301, "/to"))`; `("status", 404)`;
`("slow", seconds)` then an empty 200; `("drip", n)` n bytes a tenth of a second apart; `("endless", n)` n
chunks of 64 KB without a length; `("page", (status, headers, body))`; otherwise `(content type, body)`.
A route may also be a function of the handler that answers itself.
"""

import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace

from tests.loopback import serve


class FakeSiteHandler(BaseHTTPRequestHandler):
    routes: dict = {}
    posted: list = []

    def do_GET(self):
        self.answer()

    def do_HEAD(self):
        self.answer()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.posted.append((self.path, self.rfile.read(length).decode()))
        self.answer()

    def answer(self):
        route = self.routes.get(self.path.split("?")[0], ("status", 404))
        if callable(route):
            route(self)
            return
        kind, value = route
        if kind == "redirect":
            status, location = value if isinstance(value, tuple) else (302, value)
            self.reply(status, {"Location": location})
        elif kind == "status":
            self.reply(value)
        elif kind == "slow":
            time.sleep(value)
            self.reply(200)
        elif kind == "drip":
            self.send_response(200)
            self.send_header("Content-Length", str(value))
            self.end_headers()
            self.write_slowly([b"\0"] * value, pause=0.1)
        elif kind == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.write_slowly([b"x" * 65536] * value, pause=0)
        elif kind == "page":
            status, headers, body = value
            self.reply(status, headers, body)
        else:
            self.reply(200, {"Content-Type": kind}, value)

    def reply(self, status, headers=None, body=b""):
        self.send_response(status)
        for name, values in (headers or {}).items():
            for one in values if isinstance(values, list) else [values]:
                self.send_header(name, one)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def write_slowly(self, chunks, *, pause):
        for chunk in chunks:
            try:
                self.wfile.write(chunk)
                self.wfile.flush()
            except OSError:
                return
            time.sleep(pause)

    def log_message(self, *args):
        pass


@contextmanager
def fake_site(routes=None):
    """A running site (tests/loopback.py) with `base`, its address, and `routes` and `posted`, which the test
    may read and change while it runs."""
    handler = type("Site", (FakeSiteHandler,), {"routes": dict(routes or {}), "posted": []})
    with serve(handler) as base:
        yield SimpleNamespace(base=base, routes=handler.routes, posted=handler.posted)
