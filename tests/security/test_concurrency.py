"""Many readers replying at once into one thread, against a real gunicorn on PostgreSQL, with a worker killed.

The server runs as in production (DEBUG=0, three gunicorn workers) on a port of 127.0.0.1 the system chose,
over a database of its own (blogsite_security_load_<pid>, made afresh and dropped afterwards). Eight
signed-in readers post 25 replies each at the same time, nesting under the thread's first comment and their
own earlier replies; a third of the way in, one worker is killed with SIGKILL. Afterwards every reply the
server answered with a redirect (accepted) is stored exactly once, no text is stored twice, and every stored
comment's path, depth and post agree with its parent's. Bounded: 200 requests, a 60-second deadline, and the
server is always stopped.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from comments.models import tree_path
from tests.scratch import base_url, listening_socket

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("LOAD_TEST_PG", "postgres://postgres@127.0.0.1:5432")
# Several test runs may happen at once on one machine: each gets its own database and a free port.
LOAD_DB = f"blogsite_security_load_{os.getpid()}"


READERS = 8
REPLIES_EACH = 25
DEADLINE_SECONDS = 60

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.tests.factories import UserFactory
from comments.models import Comment, tree_path
from posts.models import Blog
from posts.tests.factories import PostFactory

owner = UserFactory(username="%(owner)s")
Blog.objects.update_or_create(owner=owner, defaults={"comment_policy": "open"})
post = PostFactory(author=owner, title="The busy thread", slug="busy-thread")
root = Comment.objects.create(post=post, author=owner, body="Start here", status="approved")
Comment.objects.filter(pk=root.pk).update(path=tree_path(root.pk))
sessions = []
for n in range(%(readers)d):
    user = UserFactory(username=f"%(owner)sr{n}")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
url = post.get_absolute_url()
world = {"post_url": url, "create_url": url + "comments/", "root": root.pk, "post": post.pk, "sessions": sessions}
print("SETUP" + json.dumps(world))
"""


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)


def _server_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=f"{PG_SERVER}/{LOAD_DB}",
        DEBUG="0",
        SECRET_KEY="load-test-" + secrets.token_hex(24),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        COMMENTS_RATE_PER_MINUTE="1000000",
        WEB_CONCURRENCY="3",
        CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture(scope="module")
def live_server_on_postgres():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...), as in .ci/run")
    try:
        admin = _admin_connection()
    except Exception as error:  # any failure to connect means: no PostgreSQL here
        pytest.skip(f"PostgreSQL is not reachable at {PG_SERVER}: {error}")
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {LOAD_DB}")
    env = _server_env()
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    setup = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP % {"readers": READERS, "owner": f"load{os.getpid()}"}],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    world = json.loads(setup.stdout.split("SETUP", 1)[1])
    # The post's comments feed, which exists only in this run's database: answered once the server is up.
    world["probe_path"] = world["post_url"] + "comments/feed/"
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "test-artifacts" / f"load-server-{os.getpid()}.log", "w")  # noqa: SIM115 - closed below
    with listening_socket() as sock:
        env["BIND"] = f"fd://{sock.fileno()}"
        server = subprocess.Popen(
            [str(Path(python).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            pass_fds=(sock.fileno(),),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        world["url"] = base_url(sock)
    if not _wait_until_up(server, world["url"] + world["probe_path"]):
        _stop(server)
        log.close()
        pytest.fail(f"gunicorn did not serve the load test; see {log.name}")
    try:
        world["server"] = server
        yield world
    finally:
        _stop(server)
        log.close()
        with _admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")


def _stop(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def _wait_until_up(server, probe_url) -> bool:
    """Whether `server` came up and serves this run's database."""
    import requests

    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            if requests.get(probe_url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def _workers(master_pid: int) -> list[int]:
    """The gunicorn master's worker processes, read from /proc."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            workers.append(int(stat.parent.name))
    return workers


def test_concurrent_replies_are_each_stored_once_in_an_intact_tree_even_when_a_worker_dies(live_server_on_postgres):
    import psycopg
    import requests

    world = live_server_on_postgres
    server, url = world["server"], world["url"]
    started = time.monotonic()
    results = []  # (reader, body, status or None, comment id or None)
    lock = threading.Lock()
    kill_at = (READERS * REPLIES_EACH) // 3
    killed = []

    def maybe_kill():
        with lock:
            if killed or len(results) < kill_at:
                return
            workers = _workers(server.pid)
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])

    def reader(n: int):
        session = requests.Session()
        token = secrets.token_hex(16)  # a 32-character CSRF secret, sent as both cookie and form field
        session.cookies.set("sessionid", world["sessions"][n], domain="127.0.0.1")
        session.cookies.set("csrftoken", token, domain="127.0.0.1")
        own = []
        for j in range(REPLIES_EACH):
            if time.monotonic() - started > DEADLINE_SECONDS:
                return
            parent = own[-1] if own and j % 3 else world["root"]
            body = f"reader {n} reply {j} {uuid.uuid4().hex}"
            status = pk = None
            try:
                response = session.post(
                    url + world["create_url"],
                    data={"body": body, "parent": str(parent), "csrfmiddlewaretoken": token},
                    headers={"Referer": url + world["create_url"]},
                    allow_redirects=False,
                    timeout=30,
                )
                status = response.status_code
                match = re.search(r"#c(\d+)$", response.headers.get("Location", ""))
                pk = int(match.group(1)) if match else None
            except requests.RequestException:
                pass  # the killed worker's requests: not accepted, so nothing is promised about them
            if pk:
                own.append(pk)
            with lock:
                results.append((n, body, status, pk))
            maybe_kill()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS + 30)
    assert not any(thread.is_alive() for thread in threads), "the load did not finish in time"

    accepted = [r for r in results if r[2] in (302, 303)]
    unexpected = [r for r in results if r[2] is not None and r[2] not in (302, 303)]
    assert killed, "no worker was killed during the load"
    assert len(results) == READERS * REPLIES_EACH, f"only {len(results)} requests ran before the deadline"
    assert unexpected == [], f"answers other than a redirect: {unexpected[:5]}"
    assert len(accepted) >= 0.9 * len(results), f"only {len(accepted)} of {len(results)} replies were accepted"
    assert any(r[2] in (302, 303) for r in results[kill_at + 10 :]), "the server answered nothing after the kill"

    with psycopg.connect(f"{PG_SERVER}/{LOAD_DB}") as db:
        rows = db.execute(
            "SELECT id, parent_id, post_id, path, depth, body FROM comments_comment WHERE post_id = %s",
            [world["post"]],
        ).fetchall()
    by_id = {row[0]: row for row in rows}
    bodies = [row[5] for row in rows]
    assert len(bodies) == len(set(bodies)), "a reply was stored twice"
    stored = {row[5]: row[0] for row in rows}
    lost = [r for r in accepted if r[1] not in stored]
    assert lost == [], f"{len(lost)} accepted replies are missing"
    assert all(stored[body] == pk for _, body, _, pk in accepted), "a redirect named another comment"
    for pk, parent_id, post_id, path, depth, _ in rows:
        if parent_id is None:
            assert (path, depth) == (tree_path(pk), 0)
            continue
        parent = by_id[parent_id]
        assert post_id == parent[2]
        assert path == parent[3] + tree_path(pk), f"comment {pk}'s path does not continue its parent's"
        assert depth == parent[4] + 1
    assert len(rows) <= len(results) + 1
    assert time.monotonic() - started < DEADLINE_SECONDS + 30
