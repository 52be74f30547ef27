"""What the mail server's speed costs the reader who comments: nothing, now that mail waits on the queue.

Makes a fresh SQLite database in a temporary folder with a post whose author and five readers have talked under
it, starts an SMTP server on 127.0.0.1 that answers each message at once or after BENCH_SMTP_DELAY seconds
(default 2), and serves the site with gunicorn (DEBUG=0). A signed-in reader then posts BENCH_REQUESTS replies
(default 20), each mailing the post's author and the author of the comment it answers, and the time of each
POST is taken from the client. Two set-ups are measured with both servers: the database queue with its worker
(production), and the immediate backend, which sends in the web process after the commit, as the site did
before the queue. Prints a table; `--write-readme` records it in README.md. Stops everything it started.
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import closing
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
README_START, README_END = "<!-- bench-mail:start -->", "<!-- bench-mail:end -->"

SEED = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from accounts.models import User
from comments.models import Comment
from posts.models import Blog, Post

def person(name):
    user = User.objects.create_user(name, f"{name}@example.com", "bench-password-1")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user

owner = person("karen")
readers = [person(f"reader{n}") for n in range(5)]
Blog.objects.create(owner=owner, title="Small victories", comment_policy=Blog.CommentPolicy.OPEN)
post = Post.objects.create(
    author=owner, title="Spring at last", slug="spring-at-last", body="Buds.", body_html="<p>Buds.</p>",
    status=Post.Status.PUBLISHED, published_at=timezone.now() - timezone.timedelta(days=1),
)
parents = []
for reader in readers:
    parent = Comment.objects.create_in_thread(
        post=post, author=reader, body="First!", body_html="<p>First!</p>", status=Comment.Status.APPROVED
    )
    parents.append(parent.pk)
commenter = person("sp")
session = SessionStore()
session[SESSION_KEY] = str(commenter.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = commenter.get_session_auth_hash()
session.create()
print(json.dumps({"post": post.get_absolute_url(), "parents": parents, "session": session.session_key}))
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SlowMailServer:
    """Accepts every message, answering the end of its data after `delay` seconds."""

    def __init__(self):
        self.delay = 0.0
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 Message accepted for delivery"


class MailBench:
    def __init__(self, requests: int, delay: float):
        self.requests = requests
        self.delay = delay
        self.workdir = Path(tempfile.mkdtemp(prefix="blogsite-bench-mail-"))
        self.processes: list[subprocess.Popen] = []
        self.smtp = SlowMailServer()
        self.smtp_port = free_port()
        self.controller = Controller(self.smtp, hostname="127.0.0.1", port=self.smtp_port)
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DATABASE_URL", "REDIS_URL", "TASKS_", "EMAIL_"))
            },
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{self.workdir / 'bench.sqlite3'}",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "COMMENTS_RATE_PER_MINUTE": "0",
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def start(self, args: list[str], env: dict) -> subprocess.Popen:
        process = subprocess.Popen(
            args, cwd=ROOT, env={**self.env, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def stop_processes(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes.clear()

    def measure(self, backend: str, delay: float, seeded: dict, start_at: int) -> dict:
        """Median and slowest POST of BENCH_REQUESTS replies, and how long until every mail had arrived."""
        self.smtp.delay = delay
        self.smtp.received = 0
        port = free_port()
        env = {"TASKS_BACKEND": backend, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
        self.start([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], env)
        if backend == "database":
            self.start([sys.executable, "manage.py", "run_worker", "--interval", "0.2"], env)
        try:
            connection = self.wait_for_server(port)
            cookie = f"sessionid={seeded['session']}"
            connection.request("GET", seeded["post"], headers={"Cookie": cookie})
            response = connection.getresponse()
            page = response.read().decode()
            csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if response.status != 200 or not (csrf_cookie and token):
                raise RuntimeError(f"the post page ({response.status}) offered no comment form: {page[:3000]}")
            csrf_cookie, token = csrf_cookie.group(1), token.group(1)
            times = []
            started = time.monotonic()
            for n in range(self.requests):
                parent = seeded["parents"][n % len(seeded["parents"])]
                body = urllib.parse.urlencode(
                    {
                        "body": f"Reply {start_at + n}: {secrets.token_hex(8)}",
                        "parent": parent,
                        "csrfmiddlewaretoken": token,
                    }
                )
                before = time.perf_counter()
                connection.request(
                    "POST",
                    seeded["post"] + "comments/",
                    body=body,
                    headers={
                        "Cookie": f"{cookie}; csrftoken={csrf_cookie}",
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                response = connection.getresponse()
                response.read()
                times.append((time.perf_counter() - before) * 1000)
                if response.status != 302:
                    raise RuntimeError(f"posting a reply answered {response.status}")
            expected = 2 * self.requests
            deadline = time.monotonic() + 60 + expected * (delay + 0.5)
            while self.smtp.received < expected and time.monotonic() < deadline:
                time.sleep(0.05)
            delivered = time.monotonic() - started
            return {
                "median": statistics.median(times),
                "max": max(times),
                "mails": self.smtp.received,
                "expected": expected,
                "delivered": delivered,
            }
        finally:
            self.stop_processes()

    @staticmethod
    def wait_for_server(port: int) -> HTTPConnection:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return connection
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 60 s")

    def run(self, write_readme: bool) -> None:
        self.controller.start()
        try:
            log("Preparing a fresh database…")
            self.manage("collectstatic", "--noinput", "--verbosity", "0")
            self.manage("migrate", "--noinput")
            seeded = json.loads(self.manage("shell", "-c", SEED).strip().splitlines()[-1])
            rows = []
            for n, (backend, delay) in enumerate(
                [("database", 0.0), ("database", self.delay), ("immediate", 0.0), ("immediate", self.delay)]
            ):
                log(f"{backend}, SMTP answering after {delay:g} s…")
                rows.append((backend, delay, self.measure(backend, delay, seeded, start_at=n * self.requests)))
            text = self.table(rows)
            print(text)
            if write_readme:
                self.write_readme(text)
        finally:
            self.stop_processes()
            self.controller.stop()
            shutil.rmtree(self.workdir, ignore_errors=True)

    def table(self, rows) -> str:
        fast = {backend: result["median"] for backend, delay, result in rows if delay == 0}
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            f"`make bench-mail` on {when}: {self.requests} replies posted one after another by a signed-in reader "
            "through gunicorn (2 sync workers, DEBUG=0, SQLite); each reply mails the post's author and the "
            "author of the comment it answers.",
            "",
            "| tasks | SMTP server answers | POST median ms | POST slowest ms | vs fast server | mail delivered |",
            "|---|---|---:|---:|---:|---|",
        ]
        for backend, delay, result in rows:
            setup = "database queue + worker" if backend == "database" else "immediate (in the request, as before)"
            server = "at once" if delay == 0 else f"after {delay:g} s"
            lines.append(
                f"| {setup} | {server} | {result['median']:.1f} | {result['max']:.1f} "
                f"| {result['median'] / fast[backend]:.2f}x | {result['mails']} of {result['expected']} "
                f"in {result['delivered']:.0f} s |"
            )
        return "\n".join(lines)

    @staticmethod
    def write_readme(text: str) -> None:
        readme = ROOT / "README.md"
        content = readme.read_text()
        start, end = content.index(README_START) + len(README_START), content.index(README_END)
        readme.write_text(content[:start] + "\n" + text + "\n" + content[end:])
        log("README.md updated.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true", help="put the results into README.md")
    args = parser.parse_args()
    requests = int(os.environ.get("BENCH_REQUESTS", "20"))
    delay = float(os.environ.get("BENCH_SMTP_DELAY", "2"))
    MailBench(requests, delay).run(args.write_readme)


if __name__ == "__main__":
    main()
