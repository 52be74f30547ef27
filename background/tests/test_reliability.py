"""The queue against real failures: a mail server that is down, a worker killed with SIGKILL, RQ on Redis.

Each test works on a scratch database of the suite's kind (a SQLite file, or a fresh PostgreSQL database on the
server of DATABASE_URL), migrated once for the module, shared by real processes: `manage.py shell` posts comments
through Django's test client (a whole request, committed for real), `manage.py run_worker` works the queue, and
an aiosmtpd server on 127.0.0.1, started and stopped here, receives the mail. Everything started is stopped
within a bounded time.
"""

import asyncio
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import ExitStack, closing, contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.scratch import SEED_BLOG, reachable, scratch_postgres_database

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60

SETUP = SEED_BLOG.format(policy="OPEN")

# Posts a comment as the reader through the whole request stack; prints what the request left behind.
POST_COMMENT = """
import json, sys, time
from django.test import Client
from accounts.models import User
from background.models import OutgoingMail
from comments.models import Comment
from posts.models import Post

body = sys.argv[-1]
client = Client()
client.force_login(User.objects.get(username="sp"))
post = Post.objects.get()
response = client.post(post.get_absolute_url() + "comments/", {"body": body, "parent": ""})
print(json.dumps({
    "status": response.status_code,
    "stored": Comment.objects.filter(body=body).exists(),
    "mail": list(OutgoingMail.objects.values("to", "status", "attempts")),
    "health": Client().get("/healthz", HTTP_ACCEPT="application/json").json(),
}))
"""

RESET = """
from background.models import OutgoingMail, WorkerHeartbeat
from comments.models import Comment
from django_tasks_db.models import DBTaskResult

Comment.objects.all().delete()
OutgoingMail.objects.all().delete()
DBTaskResult.objects.all().delete()
WorkerHeartbeat.objects.all().delete()
# The processes share a file cache: forget the last test's rate-limit counts and double-submit marks.
from django.core.cache import cache

cache.clear()
"""


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, what: str, seconds: float = WAIT_SECONDS, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    details = f"\n--- worker log ---\n{log.read_text()}" if log and log.exists() else ""
    pytest.fail(f"gave up after {seconds} s waiting for {what}{details}")


class Mailbox:
    """An SMTP server's handler that keeps what it receives; `hold()` stalls new sessions at MAIL FROM."""

    def __init__(self):
        self.messages = []
        self.open = threading.Event()
        self.open.set()
        self.held = threading.Event()

    def hold(self):
        self.open.clear()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        while not self.open.is_set():
            self.held.set()
            await asyncio.sleep(0.05)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int, mailbox: Mailbox):
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield mailbox
    finally:
        mailbox.open.set()
        controller.stop()


class ScratchSite:
    """A migrated database of the suite's kind, with what a process needs to reach it."""

    def __init__(self, env: dict, database_url: str):
        self.env = env
        self.database_url = database_url

    def manage(self, *args, env=None, timeout=180) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def shell(self, code: str, *args, env=None) -> str:
        return self.manage("shell", "-c", code, *args, env=env)

    def post_comment(self, body: str, env=None) -> dict:
        code = POST_COMMENT.replace("sys.argv[-1]", repr(body))
        return json.loads(self.shell(code, env=env).strip().splitlines()[-1])

    def rows(self, sql: str) -> list[tuple]:
        """Rows of a plain SELECT, read straight from the database while the workers run."""
        url = urllib.parse.urlsplit(self.database_url)
        if url.scheme == "sqlite":
            with closing(sqlite3.connect(url.path[1:] if url.path.startswith("//") else url.path, timeout=10)) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url, connect_timeout=5) as db:
            return db.execute(sql).fetchall()

    def mail(self) -> list[tuple]:
        return self.rows("SELECT status, attempts, last_error FROM background_outgoingmail ORDER BY id")

    def tasks(self) -> list[tuple]:
        # The mail's delivery, not the pruning run it queues now and then.
        rows = self.rows(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'background.tasks.deliver_mail' ORDER BY enqueued_at"
        )
        return [
            (status, worker_ids if isinstance(worker_ids, list) else json.loads(worker_ids))
            for status, worker_ids in rows
        ]

    @contextmanager
    def worker(self, log: Path, *args, env=None):
        with log.open("a") as output:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--interval", "0.2", *args],
                cwd=ROOT,
                env={**self.env, **(env or {})},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)


@pytest.fixture(scope="module")
def scratch_site(tmp_path_factory):
    suite_url = os.environ.get("DATABASE_URL", "")
    cleanup = ExitStack()
    if suite_url.startswith(("postgres://", "postgresql://")):
        database_url = cleanup.enter_context(scratch_postgres_database(suite_url, "blogsite_queue"))
    else:
        database_url = f"sqlite:///{tmp_path_factory.mktemp('queue') / 'site.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "TASKS_", "MAIL_"))},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "database",
        "TASKS_HEARTBEAT_SECONDS": "0.5",
        "TASKS_WORKER_LOST_SECONDS": "3",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_TIMEOUT": "10",
        "MAIL_RETRY_SECONDS": "0.5",
        "MAIL_MAX_ATTEMPTS": "30",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "WARNING",
    }
    site = ScratchSite(env, database_url)
    with cleanup:
        site.manage("migrate", "--noinput")
        site.shell(SETUP)
        yield site


@pytest.fixture
def site(scratch_site):
    """The scratch site with no comments, mail, tasks, workers or cached state left by an earlier test."""
    scratch_site.shell(RESET)
    port = free_port()
    scratch_site.env["EMAIL_PORT"] = str(port)
    scratch_site.smtp_port = port
    return scratch_site


def test_mail_to_a_server_that_is_down_is_delivered_once_it_is_back(site, tmp_path):
    """The comment is stored and the request answers without touching the mail server; the worker retries
    while the server is down and delivers, once, as soon as it is back."""
    posted = site.post_comment("Posted while the mail server was down")

    assert posted["status"] == 302
    assert posted["stored"]
    assert posted["mail"] == [{"to": "karen@example.com", "status": "queued", "attempts": 0}]
    assert posted["health"]["queue"]["waiting"] == 1

    log = tmp_path / "worker.log"
    with site.worker(log):
        wait_for(lambda: any(attempts >= 2 for _, attempts, _ in site.mail()), "two failed attempts", log=log)
        status, _, error = site.mail()[0]
        assert status == "queued"
        assert "ConnectionRefusedError" in error

        with smtp_server(site.smtp_port, Mailbox()) as mailbox:
            wait_for(lambda: mailbox.messages, "the mail to arrive", log=log)
            wait_for(lambda: site.mail()[0][0] == "sent", "the mail to be recorded as sent", log=log)
            time.sleep(1.5)
            assert len(mailbox.messages) == 1, "sent once"

    message = mailbox.messages[0]
    assert message["To"] == "karen@example.com"
    assert message["Subject"] == "sp commented on “Spring at last”"
    assert "Posted while the mail server was down" in message.get_body(("plain",)).get_content()
    assert [status for status, _ in site.tasks()].count("FAILED") == 0


@pytest.mark.parametrize("restart", ["under the same id", "under a new id"])
def test_a_task_killed_mid_way_runs_again_after_a_restart_and_mails_once(site, tmp_path, restart):
    """SIGKILL while the worker is talking to the mail server: the restarted worker (at once under the same id,
    after TASKS_WORKER_LOST_SECONDS under a new one) runs the task again, and one mail arrives."""
    site.post_comment("Posted just before the worker died")
    log = tmp_path / "worker.log"
    mailbox = Mailbox()
    mailbox.hold()
    with smtp_server(site.smtp_port, mailbox):
        with site.worker(log, "--worker-id", "worker-a") as first:
            wait_for(mailbox.held.is_set, "the worker to start sending", log=log)
            assert site.tasks() == [("RUNNING", ["worker-a"])]
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        assert site.tasks() == [("RUNNING", ["worker-a"])], "django-tasks-db alone would leave it so for ever"
        mailbox.open.set()

        second_id = "worker-a" if restart == "under the same id" else "worker-b"
        with site.worker(log, "--worker-id", second_id):
            wait_for(lambda: mailbox.messages, "the mail to arrive", log=log)
            wait_for(lambda: site.tasks()[0][0] == "SUCCESSFUL", "the task to finish", log=log)
            time.sleep(1.5)

    assert len(mailbox.messages) == 1, "the mail went out once"
    assert mailbox.messages[0]["To"] == "karen@example.com"
    assert site.tasks() == [("SUCCESSFUL", ["worker-a", second_id])]
    assert site.mail()[0][:2] == ("sent", 1)


def test_the_rq_backend_queues_on_redis_and_its_worker_delivers(site, tmp_path):
    """TASKS_BACKEND=rq: the request queues the delivery on Redis (database 5, emptied before and after), and
    `run_worker --batch` (an RQ worker) sends it."""
    import redis

    redis_url = os.environ.get("TASKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    server = urllib.parse.urlsplit(redis_url)
    if not reachable(server.hostname or "127.0.0.1", server.port or 6379):
        pytest.skip(f"Redis is not reachable at {server.hostname}:{server.port or 6379}")
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    rq = {"TASKS_BACKEND": "rq", "REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"queue-test-{secrets.token_hex(4)}"}
    try:
        posted = site.post_comment("Queued on Redis", env=rq)
        assert posted["mail"] == [{"to": "karen@example.com", "status": "queued", "attempts": 0}]
        assert posted["health"]["queue"]["backend"] == "rq"
        assert posted["health"]["queue"]["waiting"] == 1

        with smtp_server(site.smtp_port, Mailbox()) as mailbox:
            site.manage("run_worker", "--batch", env=rq, timeout=WAIT_SECONDS)
            assert len(mailbox.messages) == 1
        assert site.mail()[0][:2] == ("sent", 1)
    finally:
        client.flushdb()
