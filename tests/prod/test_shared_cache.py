"""One machine, SQLite, no Redis, several gunicorn workers: the default set-up behaves as one site.

Starts gunicorn with 3 workers and DEBUG=0 on a SQLite file in a temporary folder, with no REDIS_URL, so
the workers share the file cache of blogsite/cache.py. Each worker's access log line carries its process
id, so the tests can tell that every worker took part. Checks that after a comment is removed through one
worker no worker serves the page with it any more, that the login lockout counts attempts made at any
worker, and that 200 comments posted at once from 8 threads are all stored without a 5xx.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.scratch import SEED_BLOG, base_url, listening_socket

from .test_two_instances import ROOT, STARTUP_SECONDS, Browser, healthy

WORKERS = 3
WRITERS = 8
COMMENTS = 200
CONCURRENT_READS = 12

SETUP = (
    SEED_BLOG.format(policy="OPEN")
    + """
import json
from comments.models import Comment, tree_path

doomed = Comment.objects.create(
    post=post, author=reader, body="A comment to remove.", body_html="<p>A comment to remove.</p>",
    status=Comment.Status.APPROVED,
)
doomed.path = tree_path(doomed.pk)
doomed.save(update_fields=["path"])
for n in range(WRITERS):
    writer = User.objects.create_user(f"writer{n}", f"writer{n}@example.com", "writer-password-1")
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
print(json.dumps({"post": post.get_absolute_url(), "comment": doomed.pk, "post_id": post.pk}))
"""
).replace("range(WRITERS)", f"range({WRITERS})")


def site_environment(folder: Path) -> dict[str, str]:
    """The environment of the site in `folder` (its SQLite file, file cache, static and media), for gunicorn
    and for any other process of the machine, such as a task worker, that works on the same site."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "AWS_"))},
        "DEBUG": "0",
        "SECRET_KEY": "tests-only-not-secret-shared-cache",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CACHE_DIR": str(folder / "cache"),
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PAGE_CACHE_SECONDS": "600",
        # The writers post far faster than a person; the limit has tests of its own.
        "COMMENTS_RATE_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "1",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn with 3 workers on a fresh SQLite file, no Redis; yields (base URL, seeded ids, database
    path, a function returning the pids in the access log since a given offset, and the log's offset)."""
    folder = tmp_path_factory.mktemp("shared-cache")
    database = folder / "db.sqlite3"
    env = site_environment(folder)
    manage = [sys.executable, "manage.py"]
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 180, "check": True}
    subprocess.run([*manage, "migrate", "--noinput"], **run)
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], **run)
    seeded = json.loads(subprocess.run([*manage, "shell", "-c", SETUP], **run).stdout.splitlines()[-1])

    log_path = folder / "gunicorn.log"
    with listening_socket() as sock, open(log_path, "wb") as log:
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(WORKERS)]
        command += ["--bind", f"fd://{sock.fileno()}", "--access-logformat", "pid=%(p)s %(m)s %(U)s %(s)s"]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, pass_fds=(sock.fileno(),), stdout=log, stderr=subprocess.STDOUT
        )
        base = base_url(sock)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not healthy(base):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"gunicorn did not start within {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)

        def served_by(path: str, since: int) -> set[str]:
            """The worker pids that answered GETs or POSTs of `path` after byte `since` of the log."""
            text = log_path.read_bytes()[since:].decode(errors="replace")
            return set(re.findall(rf"pid=<?(\d+)>? [A-Z]+ {re.escape(path)} \d{{3}}", text))

        served_by.log = lambda: log_path.read_text(errors="replace")

        def offset() -> int:
            return log_path.stat().st_size

        yield base, seeded, database, served_by, offset
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def read_concurrently(url: str, count: int = CONCURRENT_READS) -> list[tuple[int, dict, str]]:
    """`count` anonymous GETs of `url` at once (so that every worker takes some)."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: Browser().request(url), range(count)))


def until_every_worker_served(served_by, path, since, action, seconds=STARTUP_SECONDS) -> list:
    """Repeat `action` (which returns a list of results) until all workers have answered `path`.

    Bounded in time rather than in rounds: on a busy machine a worker may still be loading the site while the
    others answer round after round, and it takes part once it has."""
    results = []
    deadline = time.monotonic() + seconds
    while True:
        results += action()
        if len(served_by(path, since)) == WORKERS:
            return results
        if time.monotonic() > deadline:
            pytest.fail(f"only workers {served_by(path, since)} answered {path}:\n{served_by.log()[-2000:]}")


def sign_in(browser: Browser, base: str, login: str, password: str) -> tuple[int, str]:
    token = browser.csrf_token(f"{base}/accounts/login/")
    status, _, html = browser.request(
        f"{base}/accounts/login/", {"csrfmiddlewaretoken": token, "login": login, "password": password}
    )
    return status, html


def test_a_removed_comment_leaves_every_workers_cached_page_at_once(site):
    base, seeded, _, served_by, offset = site
    post = seeded["post"]

    start = offset()
    warm = until_every_worker_served(served_by, post, start, lambda: read_concurrently(base + post))
    assert all(status == 200 and "A comment to remove." in html for status, _, html in warm)
    assert any(headers.get("X-Page-Cache") == "hit" for _, headers, _ in warm), "the page was never cached"

    owner = Browser()
    status, _ = sign_in(owner, base, "karen", "owner-password-1")
    assert status == 302
    confirm = f"{base}/comments/{seeded['comment']}/delete/"
    status, _, _ = owner.request(confirm, {"csrfmiddlewaretoken": owner.csrf_token(confirm)})
    assert status == 302

    start = offset()
    after = until_every_worker_served(served_by, post, start, lambda: read_concurrently(base + post))
    stale = [headers.get("X-Page-Cache") for status, headers, html in after if "A comment to remove." in html]
    assert stale == [], f"{len(stale)} of {len(after)} reads after the removal served the old page"
    assert all(status == 200 for status, _, _ in after)


LIKE_FROM_A_WORKER = """
from federation.models import Instance, Reaction, RemoteActor
instance = Instance.objects.get_or_create(domain="social.example")[0]
for n in range(2):
    person = RemoteActor.objects.create(
        uri=f"https://social.example/users/p{n}", instance=instance, inbox="https://social.example/inbox"
    )
    Reaction.objects.create(post_id=POST_ID, remote=person, kind=Reaction.Kind.LIKE)
"""


def test_likes_from_the_fediverse_show_at_every_worker_at_once(site):
    """The task worker (here another process) stores likes: no worker goes on serving the page without them."""
    base, seeded, database, served_by, offset = site
    post = seeded["post"]
    start = offset()
    warm = until_every_worker_served(served_by, post, start, lambda: read_concurrently(base + post))
    assert all(status == 200 and "fediverse-likes" not in html for status, _, html in warm)

    script = LIKE_FROM_A_WORKER.replace("POST_ID", str(seeded["post_id"]))
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=site_environment(database.parent),
        check=True,
        capture_output=True,
    )

    start = offset()
    after = until_every_worker_served(served_by, post, start, lambda: read_concurrently(base + post))
    stale = [headers.get("X-Page-Cache") for _, headers, html in after if "2 likes" not in html]
    assert stale == [], f"{len(stale)} of {len(after)} reads after the likes served the old page"


def test_comments_posted_at_once_from_many_threads_are_all_stored(site):
    base, seeded, database, served_by, offset = site
    post = seeded["post"]
    writers = []
    for n in range(WRITERS):
        browser = Browser()
        status, _ = sign_in(browser, base, f"writer{n}", "writer-password-1")
        assert status == 302
        writers.append((browser, browser.csrf_token(base + post)))

    start = offset()
    statuses = []
    lock = threading.Lock()

    def write(n: int) -> None:
        browser, token = writers[n % WRITERS]
        status, _, _ = browser.request(
            f"{base}{post}comments/", {"csrfmiddlewaretoken": token, "body": f"Comment number {n} of the storm."}
        )
        with lock:
            statuses.append(status)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(write, range(COMMENTS)))

    assert sorted(set(statuses)) == [302], {s: statuses.count(s) for s in set(statuses)}
    assert len(served_by(f"{post}comments/", start)) == WORKERS
    with sqlite3.connect(database) as db:
        (stored,) = db.execute(
            "SELECT COUNT(*) FROM comments_comment WHERE post_id = ? AND body LIKE 'Comment number % of the storm.'",
            (seeded["post_id"],),
        ).fetchone()
    assert stored == COMMENTS


def test_the_login_lockout_counts_attempts_at_every_worker(site):
    base, _, _, served_by, offset = site
    """Last in this module: the refused attempts also use up the address's allowance of failed sign-ins."""
    login = "/accounts/login/"
    start = offset()
    # allauth locks an account out after 5 failed attempts in 5 minutes (ACCOUNT_LOGIN_ATTEMPTS_LIMIT).
    for _ in range(5):
        status, html = sign_in(Browser(), base, "sp", "not-the-password")
        assert status == 200 and "Too many failed" not in html

    def attempts():
        with ThreadPoolExecutor(max_workers=CONCURRENT_READS) as pool:
            return list(pool.map(lambda _: sign_in(Browser(), base, "sp", "reader-password-1"), range(6)))

    results = until_every_worker_served(served_by, login, start, attempts)
    signed_in = [status for status, _ in results if status == 302]
    assert signed_in == [], f"{len(signed_in)} of {len(results)} sign-ins got past the lockout"
    assert all("Too many failed sign-in attempts" in html for _, html in results)
