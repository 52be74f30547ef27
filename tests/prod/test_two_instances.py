"""Two app instances sharing one PostgreSQL and one Redis behave as one site.

Starts two gunicorns on 127.0.0.1 (on ports the system chose) with DEBUG=0 against a fresh PostgreSQL database and a
Redis key prefix of their own, signs in through one and uses the session on the other, and approves a
comment through one while the other has the page cached. Skipped, with the reason, when PostgreSQL or
Redis can't be reached. Everything it starts it stops, within a bounded time.
"""

import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.scratch import SEED_BLOG, base_url, listening_socket, reachable, scratch_postgres_database

pytestmark = pytest.mark.instances

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
REQUEST_SECONDS = 20

SETUP = (
    SEED_BLOG.format(policy="HOLD_ALL")
    + """
import json
from comments.models import Comment, tree_path

comment = Comment.objects.create(
    post=post, author=reader, body="Held for approval.", body_html="<p>Held for approval.</p>",
    status=Comment.Status.PENDING,
)
comment.path = tree_path(comment.pk)
comment.save(update_fields=["path"])
from django.urls import reverse
print(json.dumps({
    "post": post.get_absolute_url(),
    "feed": reverse("comments:feed", kwargs=post.permalink_kwargs()),
    "comment": comment.pk,
}))
"""
)


def postgres_server_url() -> str:
    """The PostgreSQL server of DATABASE_URL when it names one, else the local default."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return url


@pytest.fixture(scope="module")
def shared_services(tmp_path_factory):
    """A fresh PostgreSQL database and a Redis key prefix, migrated, seeded and static files collected."""
    redis_url = os.environ.get("TWO_INSTANCES_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis = urllib.parse.urlsplit(redis_url)
    if not reachable(redis.hostname or "127.0.0.1", redis.port or 6379):
        pytest.skip(f"Redis is not reachable at {redis.hostname}:{redis.port or 6379}")
    cleanup = ExitStack()
    database_url = cleanup.enter_context(scratch_postgres_database(postgres_server_url(), "blogsite_instances"))
    prefix = f"instances-{secrets.token_hex(4)}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "AWS_"))},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    try:
        manage = [sys.executable, "manage.py"]
        run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 180, "check": True}
        # Static files don't need the database: collect them while the migrations run.
        collect = subprocess.Popen(
            [*manage, "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            subprocess.run([*manage, "migrate", "--noinput"], **run)
            _, errors = collect.communicate(timeout=180)
        finally:
            if collect.poll() is None:
                collect.kill()
                collect.wait()
        assert collect.returncode == 0, errors
        seeded = json.loads(subprocess.run([*manage, "shell", "-c", SETUP], **run).stdout.splitlines()[-1])
        yield env, seeded
    finally:
        cleanup.close()
        import redis as redis_client

        client = redis_client.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


@pytest.fixture(scope="module")
def instances(shared_services):
    """Two gunicorns (one worker each) on the same database and Redis; yields their base URLs."""
    env, seeded = shared_services
    processes, urls = [], []
    try:
        for _ in range(2):
            with listening_socket() as sock:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1"],
                    cwd=ROOT,
                    env={**env, "BIND": f"fd://{sock.fileno()}"},
                    pass_fds=(sock.fileno(),),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                urls.append(base_url(sock))
            processes.append(process)
        deadline = time.monotonic() + STARTUP_SECONDS
        for url in urls:
            while not healthy(url):
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    pytest.fail(f"{url} did not start within {STARTUP_SECONDS} s")
                time.sleep(0.2)
        yield urls, seeded
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # nosec B310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and urllib: cookies for 127.0.0.1 go to both instances, as behind one proxy."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            response = self.opener.open(request, timeout=REQUEST_SECONDS)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, dict(response.headers), response.read().decode()

    def csrf_token(self, url) -> str:
        status, _, html = self.request(url)
        assert status == 200, (url, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)


def test_two_instances_share_sessions_and_show_an_approval_at_once_on_cached_pages(instances):
    (first, second), seeded = instances
    owner = Browser()
    token = owner.csrf_token(f"{first}/accounts/login/")
    status, headers, _ = owner.request(
        f"{first}/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": "karen", "password": "owner-password-1"},
    )
    assert status == 302, "signing in on the first instance failed"
    assert owner.cookie("sessionid")

    # The session made on the first instance is valid on the second.
    status, _, html = owner.request(f"{second}/dashboard/comments/")
    assert status == 200
    assert "Held for approval." in html

    reader = Browser()
    pages = [seeded["feed"], seeded["post"]]
    for page in pages:
        reader.request(f"{second}{page}")
        status, headers, html = reader.request(f"{second}{page}")
        assert status == 200
        assert headers.get("X-Page-Cache") == "hit", page
        assert "Held for approval." not in html

    # Approved through the first instance…
    token = owner.csrf_token(f"{first}/dashboard/comments/")
    status, _, _ = owner.request(
        f"{first}/dashboard/comments/",
        {"csrfmiddlewaretoken": token, "one": f"approve:{seeded['comment']}"},
    )
    assert status == 302

    # …it shows at once on the second instance's cached pages.
    for page in pages:
        status, headers, html = reader.request(f"{second}{page}")
        assert status == 200
        assert "Held for approval." in html, page
        assert headers.get("X-Page-Cache") == "miss"
