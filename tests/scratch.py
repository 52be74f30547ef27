"""Helpers for tests that run the site in other processes, on a scratch database of their own."""

import contextlib
import secrets
import socket
import urllib.parse
from collections.abc import Iterator

import pytest

# For `manage.py shell -c`: a blogger (karen) with a blog of the given comment policy and one published post, and
# a verified reader (sp). Leaves `owner`, `reader` and `post` defined for a script that goes on from there.
SEED_BLOG = """
from allauth.account.models import EmailAddress
from django.utils import timezone
from accounts.models import User
from posts.models import Blog, Post

owner = User.objects.create_user("karen", "karen@example.com", "owner-password-1", display_name="Karen")
reader = User.objects.create_user("sp", "sp@example.com", "reader-password-1", display_name="sp")
for user in (owner, reader):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
Blog.objects.create(owner=owner, title="Small victories", comment_policy=Blog.CommentPolicy.{policy})
post = Post.objects.create(
    author=owner, title="Spring at last", slug="spring-at-last", body="Buds.", body_html="<p>Buds.</p>",
    status=Post.Status.PUBLISHED, published_at=timezone.now() - timezone.timedelta(days=1),
)
"""


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def scratch_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of `server_url`, named `prefix` and a random suffix;
    yields its URL and drops it, connections and all, on the way out. Skips the test, saying why, when the
    server can't be reached."""
    import psycopg

    server = urllib.parse.urlsplit(server_url)
    if not reachable(server.hostname or "127.0.0.1", server.port or 5432):
        pytest.skip(f"PostgreSQL is not reachable at {server.hostname}:{server.port or 5432}")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin_url = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def listening_socket() -> Iterator[socket.socket]:
    """A socket listening on a port of 127.0.0.1 that the system chose, for gunicorn in a child process to serve
    on: `--bind fd://N` (or BIND), with the socket in Popen's `pass_fds`. The port is held from the start, so no
    other test, pytest-xdist worker or test run on the machine can take it between choosing it and serving."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        yield sock
    finally:
        sock.close()


def base_url(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"
