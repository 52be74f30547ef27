"""Helpers for tests that run the site in other processes, on a scratch database of their own."""

import contextlib
import socket
from collections.abc import Iterator

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
