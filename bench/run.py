"""Benchmark the pages readers load most, on a fresh database, under gunicorn.

Seeds one blog whose posts carry realistic comment threads (a fifth of the comments top-level, replies up
to depth 6, bodies of about 300 characters) of 10, 1,000 and 10,000 comments, and another blog of 10,000
short posts for search. Measures each page in process (queries, median CPU time of 20 renders, HTML size),
for an anonymous reader and, in the "signed-in reader" rows, for a reader signed in with an approved and a
held comment of their own on each post. Then serves the site with gunicorn (2 workers, DEBUG=0) on
127.0.0.1 and loads each page with wrk (8 connections) or, without wrk, a Python load generator. Prints a
table with each page's throughput as a share of a hello-world view's on the same server, checks the
targets, and stops everything it started.

Environment: BENCH_SECONDS (load per page, default 15), BENCH_TREE=uniform (see `Bench.thread`),
BENCH_DATABASE_URL (a PostgreSQL server to make a fresh database on; default SQLite in a temporary folder),
BENCH_REDIS_URL (cache in Redis under a prefix of its own; default the file cache all workers share, see
blogsite/cache.py). Without Redis, the cached post pages are then loaded in turns from this server and from
a second one whose workers each keep their cache in local memory (the "in turns" rows, so that other work on
a shared machine weighs on both alike): the shared cache must come within 20% of local memory.
`--write-readme` puts the table into README.md. `--only TEXT` measures only the pages whose row names
contain TEXT (beside hello, the yardstick), e.g. `--only "signed-in"`, and checks only their targets.
"""

import argparse
import html
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import closing
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10, 1_000, 10_000)
PORTS = range(8160, 8170)
CONNECTIONS = 8
WORKERS = 2
RENDERS = 20
MAX_DEPTH = 6
# Any query parameter the page cache doesn't know makes it serve the page fresh, thread included.
UNCACHED = "?uncached=1"
SEARCH_POSTS = 10_000
# The benchmark's signed-in reader: a verified account with comments of its own on every post.
READER = "reader0"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
SHARED_FILE, LOCAL_MEMORY = "post, cached, file, in turns", "post, cached, local memory, in turns"
COMPARE_ROUNDS = 3
LOCAL_MEMORY_BACKEND = "django.core.cache.backends.locmem.LocMemCache"

WORDS_TEXT = (
    "the a of and to in is was it for on with as at by this that from but not are be have had you we "
    "garden spring river morning letter window kitchen bread winter evening street train market music "
    "remember think agree wonder honestly really perhaps quite small long early late warm quiet little "
    "neighbour story years ago always never sometimes weather rain light coffee walk book friend"
)
WORDS = WORDS_TEXT.split()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prose(rng: random.Random, length: int) -> str:
    words, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


class Bench:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.workdir = Path(tempfile.mkdtemp(prefix="blogsite-bench-"))
        self.processes: list[subprocess.Popen] = []
        self.cleanups = []
        self.rng = random.Random(7)

    # Setting up

    def environment(self) -> dict:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "AWS_", "SECURE_"))
        }
        env.update(
            DEBUG="0",
            DJANGO_SETTINGS_MODULE="bench.settings",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,testserver",
            STATIC_ROOT=str(self.workdir / "static"),
            MEDIA_ROOT=str(self.workdir / "media"),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            LOG_LEVEL="WARNING",
            CACHE_DIR=str(self.workdir / "cache"),
        )
        server = os.environ.get("BENCH_DATABASE_URL", "")
        if server:
            env["DATABASE_URL"] = self.fresh_postgres_database(server)
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        if os.environ.get("BENCH_REDIS_URL"):
            prefix = f"bench-{secrets.token_hex(4)}"
            env["REDIS_URL"], env["CACHE_KEY_PREFIX"] = os.environ["BENCH_REDIS_URL"], prefix
            self.cleanups.append(lambda: self.forget_redis_keys(os.environ["BENCH_REDIS_URL"], prefix))
        return env

    def fresh_postgres_database(self, server_url: str) -> str:
        import psycopg

        server = urllib.parse.urlsplit(server_url)
        name = f"blogsite_bench_{secrets.token_hex(4)}"
        admin = server._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        self.cleanups.append(drop)
        return server._replace(path=f"/{name}").geturl()

    @staticmethod
    def forget_redis_keys(url: str, prefix: str) -> None:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)

    def prepare(self, env: dict) -> None:
        log("Migrating a fresh database and collecting static files…")
        manage = [sys.executable, "manage.py"]
        collect = subprocess.Popen(
            [*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
        )
        self.processes.append(collect)
        subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
        if collect.wait(timeout=300) != 0:
            raise SystemExit("collectstatic failed")
        self.processes.remove(collect)

    def seed(self) -> dict:
        """One blog with a post per thread size plus a few short ones; returns the pages to measure."""
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.urls import reverse

        from comments.models import Comment, tree_path
        from posts.models import Blog, Post

        log("Seeding…")
        User = get_user_model()
        password = make_password(None)
        owner = User.objects.create(username="karen", email="karen@example.com", display_name="Karen")
        EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
        Blog.objects.create(owner=owner, title="Small victories", description="Work, weather and ordinary weeks.")
        readers = User.objects.bulk_create(
            User(username=f"reader{i}", email=f"reader{i}@example.com", display_name=f"Reader {i}", password=password)
            for i in range(60)
        )
        now = datetime.now(UTC)
        posts = {}
        for index, size in enumerate((*SIZES, 0, 0, 0, 0, 0, 0, 0)):
            paragraphs = [prose(self.rng, 600) for _ in range(6)]
            post = Post.objects.create(
                author=owner,
                title=f"Thoughts on {size} things" if size else f"A quieter note, number {index}",
                slug=f"post-{index}",
                body="\n\n".join(paragraphs),  # Post.save renders it and counts its words
                excerpt=paragraphs[0][:200],
                status=Post.Status.PUBLISHED,
                published_at=now - timedelta(days=index + 1),
            )
            if size:
                posts[size] = post
        next_pk = 1
        for size, post in posts.items():
            rows = self.thread(post, size, readers, next_pk, now - timedelta(days=30), Comment, tree_path)
            Comment.objects.bulk_create_with_ids(rows)
            next_pk += size
            assert post.comments.count() == size
        reader = readers[0]
        EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
        for post in posts.values():
            # What a signed-in reader sees beyond the anonymous page: their own approved comment (with its
            # edit and remove links) and one awaiting moderation, in the first page's threads.
            first = post.comments.order_by("path").first()
            for status in (Comment.Status.APPROVED, Comment.Status.PENDING):
                Comment.objects.create_in_thread(
                    post=post, parent=first, author=reader, body="Mine.", body_html="<p>Mine.</p>", status=status
                )
        self.seed_search_posts(Post, Blog, User, now)
        pages = {"hello": ("/bench/hello/", 0, None)}
        for size, post in posts.items():
            pages[f"post, uncached|{size}"] = (post.get_absolute_url() + UNCACHED, size, None)
        for size, post in posts.items():
            pages[f"post, cached|{size}"] = (post.get_absolute_url(), size, None)
        for size, post in posts.items():
            pages[f"post, signed-in reader|{size}"] = (post.get_absolute_url(), size, READER)
        pages["front page"] = ("/" + UNCACHED, 0, None)
        pages["blog"] = (reverse("posts:blog", kwargs={"username": "karen"}) + UNCACHED, 0, None)
        pages["feed (Atom)"] = (reverse("comments:feed", kwargs=posts[1_000].permalink_kwargs()) + UNCACHED, 0, None)
        pages[f"search, {SEARCH_POSTS:,} posts"] = (reverse("posts:search") + "?q=morning+garden", 0, None)
        return pages

    def seed_search_posts(self, Post, Blog, User, now) -> None:
        """SEARCH_POSTS short published posts, older than the measured ones, by two more bloggers: one whose
        blog is in English and one in French, so that a search matches posts in two configurations."""
        blogs = [
            Blog.objects.create(
                owner=User.objects.create(username=name, email=f"{name}@example.com", display_name=name.title()),
                language=language,
            )
            for name, language in (("tomasz", "en"), ("amelie", "fr"))
        ]
        rows = []
        for i in range(SEARCH_POSTS):
            body = prose(self.rng, 400)
            blog = blogs[i % len(blogs)]
            rows.append(
                Post(
                    author=blog.owner,
                    search_config=blog.search_config,
                    title=prose(self.rng, 30).rstrip("."),
                    slug=f"note-{i}",
                    body=body,
                    body_html=f"<p>{html.escape(body)}</p>",
                    word_count=len(body.split()),
                    status=Post.Status.PUBLISHED,
                    published_at=now - timedelta(days=30, minutes=i),
                )
            )
        Post.objects.bulk_create(rows, batch_size=1000)

    def thread(self, post, size, readers, start_pk, start, Comment, tree_path) -> list:
        """`size` approved comments, oldest first: a fifth top-level, each other a reply to an earlier
        comment less than MAX_DEPTH deep. Readers mostly answer what they have just read, so the comment
        replied to is drawn from the most recent ones (exponentially, mean 20 back); with `BENCH_TREE=uniform`
        from all earlier ones alike, which piles most replies onto the first threads."""
        top_level = {0, *self.rng.sample(range(1, size), max(0, size // 5 - 1))}
        uniform = os.environ.get("BENCH_TREE") == "uniform"
        rows, open_parents = [], []
        for i in range(size):
            if i in top_level:
                parent = None
            elif uniform:
                parent = self.rng.choice(open_parents)
            else:
                back = min(len(open_parents) - 1, int(self.rng.expovariate(1 / 20)))
                parent = open_parents[-1 - back]
            pk = start_pk + i
            comment = Comment(
                pk=pk,
                post=post,
                author=self.rng.choice(readers),
                parent_id=parent.pk if parent else None,
                depth=parent.depth + 1 if parent else 0,
                path=tree_path(pk, parent.path if parent else ""),
                body=(body := prose(self.rng, 300)),
                body_html=f"<p>{html.escape(body)}</p>",
                status=Comment.Status.APPROVED,
                created_at=start + timedelta(minutes=i),
            )
            rows.append(comment)
            if comment.depth < MAX_DEPTH:
                open_parents.append(comment)
        return rows

    # Measuring

    def in_process(self, pages: dict) -> dict:
        """Queries, median render time of RENDERS and HTML bytes of each page, through Django's test client."""
        from django.db import connection
        from django.test import Client

        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        anonymous, signed_in = Client(), self.signed_in_client()
        results = {}
        for name, (url, _, who) in pages.items():
            client = signed_in if who else anonymous
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            executed.clear()
            with connection.execute_wrapper(count):
                client.get(url)
            # CPU time of this thread rather than wall-clock time: the machine may be busy with other work,
            # which would otherwise count as this page's.
            timings = []
            for _ in range(RENDERS):
                started = time.thread_time()
                response = client.get(url)
                timings.append(time.thread_time() - started)
            results[name] = {
                "queries": len(executed),
                "render_ms": statistics.median(timings) * 1000,
                "bytes": len(response.content),
            }
            log(f"  {name:<24} {results[name]['queries']:>3} queries  {results[name]['render_ms']:8.2f} ms")
        return results

    @staticmethod
    def signed_in_client():
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client()
        client.force_login(get_user_model().objects.get(username=READER))
        return client

    def session_cookie(self) -> str:
        """`name=value` of the signed-in reader's session cookie, for the load generator."""
        from django.conf import settings

        client = self.signed_in_client()
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def start_server(self, env: dict) -> tuple[str, subprocess.Popen]:
        port = next((p for p in PORTS if self.port_is_free(p)), None)
        if port is None:
            raise SystemExit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        command += ["--workers", str(WORKERS), "--max-requests", "0", "--bind", f"127.0.0.1:{port}"]
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        self.processes.append(server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not self.answers(base + "/healthz"):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        return base, server

    def settle(self, base: str, url: str, cookie: str | None = None) -> None:
        """Wait until the workers have finished what the previous load left queued, then warm the page
        up (each worker fills its own caches) so that the measurement sees the steady state."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            started = time.perf_counter()
            if self.answers(base + "/bench/hello/") and time.perf_counter() - started < 0.05:
                break
            time.sleep(0.5)
        for _ in range(2 * WORKERS):
            self.answers(base + url, timeout=60, cookie=cookie)

    @staticmethod
    def port_is_free(port: int) -> bool:
        with closing(socket.socket()) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
            return True

    @staticmethod
    def answers(url: str, timeout: float = 2, cookie: str | None = None) -> bool:
        parts = urllib.parse.urlsplit(url)
        try:
            connection = HTTPConnection(parts.hostname, parts.port, timeout=timeout)
            headers = {"Cookie": cookie} if cookie else {}
            connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
            return connection.getresponse().status == 200
        except OSError:
            return False

    def load(self, url: str, cookie: str | None = None) -> dict:
        if shutil.which("wrk"):
            return self.load_with_wrk(url, cookie)
        return self.load_with_python(url, cookie)

    def load_with_wrk(self, url: str, cookie: str | None = None) -> dict:
        command = [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(self.seconds))}s",
            "--latency",
            "--timeout",
            "30s",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            url,
        ]
        output = subprocess.run(command, capture_output=True, text=True, timeout=self.seconds + 60, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
        p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if errors:
            log(f"  warning: {errors.group(1)} error responses from {url}")
        return {"rate": rate, "p99_ms": p99}

    def load_with_python(self, url: str, cookie: str | None = None) -> dict:
        parts = urllib.parse.urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Cookie": cookie} if cookie else {}
        latencies: list[float] = []
        lock = threading.Lock()
        deadline = time.monotonic() + self.seconds

        def worker():
            mine = []
            while time.monotonic() < deadline:
                started = time.perf_counter()
                connection = HTTPConnection(parts.hostname, parts.port, timeout=30)
                connection.request("GET", target, headers=headers)
                connection.getresponse().read()
                connection.close()
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)

        started = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0
        return {"rate": len(latencies) / elapsed, "p99_ms": p99}

    @staticmethod
    def peak_worker_rss_mb(server: subprocess.Popen) -> float:
        peak = 0
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{server.pid}$", text, re.M):
                found = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
                peak = max(peak, int(found.group(1)) if found else 0)
        return peak / 1024

    # Reporting

    def table(self, pages: dict, measured: dict, loaded: dict, rss_mb: float, tool: str) -> str:
        hello = loaded["hello"]["rate"]
        lines = [
            f"`make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: gunicorn with {WORKERS} sync workers, "
            f"DEBUG=0, {self.database_kind()}, {tool} with {CONNECTIONS} connections for {self.seconds:g} s a page, "
            f"{os.cpu_count()} CPUs shared by server and load generator.",
            "",
            "| page | comments | queries | render CPU ms (median of 20) | HTML KB | req/s | p99 ms | vs hello |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, (_, size, _) in pages.items():
            m, r = measured[name], loaded[name]
            label = name.split("|")[0]
            lines.append(
                f"| {label} | {size:,} | {m['queries']} | {m['render_ms']:.1f} | {m['bytes'] / 1024:.1f} "
                f"| {r['rate']:.0f} | {r['p99_ms']:.0f} | {100 * r['rate'] / hello:.1f}% |"
            )
        lines += ["", f"Peak RSS of a gunicorn worker: {rss_mb:.0f} MB."]
        return "\n".join(lines)

    def database_kind(self) -> str:
        database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
        cache = "Redis" if os.environ.get("BENCH_REDIS_URL") else "the shared file cache"
        return f"{database}, {cache}"

    @staticmethod
    def verdicts(pages: dict, measured: dict, loaded: dict) -> list[str]:
        hello = loaded["hello"]["rate"]
        share = {name: loaded[name]["rate"] / hello for name in loaded}
        out = []

        def check(ok: bool, text: str):
            out.append(f"- {'met' if ok else 'MISSED'}: {text}")

        if any(f"post, {kind}|{size}" not in loaded for kind in ("uncached", "cached") for size in SIZES):
            # A run of some pages only (`--only`): the targets of the pages it measured.
            Bench.check_signed_in(measured, check)
            return out

        uncached, cached = share["post, uncached|1000"], share["post, cached|1000"]
        check(uncached >= 0.01, f"post page at 1,000 comments, uncached, at least 1% of hello ({100 * uncached:.1f}%)")
        check(cached >= 0.5, f"post page at 1,000 comments, cached, at least 50% of hello ({100 * cached:.1f}%)")
        for kind in ("uncached", "cached"):
            big, small = loaded[f"post, {kind}|10000"]["rate"], loaded[f"post, {kind}|1000"]["rate"]
            # Two runs of the same page differ by a few per cent on a shared machine.
            check(
                big >= 0.9 * small,
                f"post page ({kind}) at 10,000 comments no slower than at 1,000 ({big:.0f} vs {small:.0f} req/s)",
            )
        for kind in ("uncached", "cached"):
            counts = {measured[f"post, {kind}|{size}"]["queries"] for size in SIZES}
            check(len(counts) == 1, f"post page ({kind}) queries the same at every size ({sorted(counts)})")
        for size in SIZES:
            local = loaded.get(f"{LOCAL_MEMORY}|{size}")
            if local:
                shared = loaded[f"{SHARED_FILE}|{size}"]["rate"]
                check(
                    shared >= 0.8 * local["rate"],
                    f"post page at {size:,} comments, cached in the shared file cache, within 20% of each worker's "
                    f"local memory ({shared:.0f} vs {local['rate']:.0f} req/s, {100 * shared / local['rate']:.0f}%)",
                )
        Bench.check_signed_in(measured, check)
        return out

    @staticmethod
    def check_signed_in(measured: dict, check) -> None:
        if any(f"post, signed-in reader|{size}" not in measured for size in SIZES):
            return
        counts = {measured[f"post, signed-in reader|{size}"]["queries"] for size in SIZES}
        check(len(counts) == 1, f"post page (signed-in reader) queries the same at every size ({sorted(counts)})")
        small, mid, big = (measured[f"post, signed-in reader|{size}"]["render_ms"] for size in SIZES)
        check(
            max(mid, big) - small <= 3,
            "post page for a signed-in reader: the thread costs at most a few ms more at 1,000 and 10,000 "
            f"comments than at 10 ({mid:.1f} and {big:.1f} against {small:.1f} ms)",
        )

    def write_readme(self, text: str) -> None:
        readme = ROOT / "README.md"
        content = readme.read_text()
        start, end = content.index(README_START) + len(README_START), content.index(README_END)
        readme.write_text(content[:start] + "\n" + text + "\n" + content[end:])

    # Running

    def run(self, write_readme: bool, only: str | None = None) -> None:
        env = self.environment()
        self.prepare(env)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        pages = self.seed()
        if only:
            pages = {name: page for name, page in pages.items() if name == "hello" or only in name}
        log("Measuring in process…")
        measured = self.in_process(pages)
        from django.db import connections

        connections.close_all()
        base, server = self.start_server(env)
        tool = "wrk" if shutil.which("wrk") else "a Python load generator"
        log(f"Loading each page for {self.seconds:g} s with {tool}…")
        loaded = {}
        cookie = self.session_cookie()
        for name, (url, _, who) in pages.items():
            self.settle(base, url, cookie if who else None)
            loaded[name] = self.load(base + url, cookie if who else None)
            log(f"  {name:<24} {loaded[name]['rate']:8.0f} req/s  p99 {loaded[name]['p99_ms']:.0f} ms")
        rss_mb = self.peak_worker_rss_mb(server)
        if not os.environ.get("BENCH_REDIS_URL") and not only:
            self.compare_with_local_memory(env, base, pages, measured, loaded)
        text = self.table(pages, measured, loaded, rss_mb, tool)
        verdicts = self.verdicts(pages, measured, loaded)
        text += "\n\nTargets (issues 7, 13 and 20):\n\n" + "\n".join(verdicts)
        print(text)
        if write_readme:
            self.write_readme(text)
            log("README.md updated.")

    def compare_with_local_memory(self, env: dict, base: str, pages: dict, measured: dict, loaded: dict) -> None:
        """The cached post pages from this server (the shared file cache) and from a second one whose workers
        each cache in their own memory (right for one process only: after a change each worker would serve
        its own stale copy). The two are loaded in turns, COMPARE_ROUNDS times each for a share of
        BENCH_SECONDS, so that other work on the machine weighs on both alike."""
        from django.test import override_settings

        shared = {f"{SHARED_FILE}|{size}": pages[f"post, cached|{size}"] for size in SIZES}
        local = {f"{LOCAL_MEMORY}|{size}": pages[f"post, cached|{size}"] for size in SIZES}
        for size in SIZES:
            measured[f"{SHARED_FILE}|{size}"] = measured[f"post, cached|{size}"]
        with override_settings(CACHES={"default": {"BACKEND": LOCAL_MEMORY_BACKEND, "LOCATION": "bench"}}):
            measured.update(self.in_process(local))
        local_base, _ = self.start_server({**env, "BENCH_CACHE": "local-memory"})
        log("Loading the cached post pages in turns from the shared file cache and from local memory…")
        seconds, self.seconds = self.seconds, self.seconds / COMPARE_ROUNDS
        try:
            for size in SIZES:
                url = pages[f"post, cached|{size}"][0]
                self.settle(base, url)
                self.settle(local_base, url)
                runs = {f"{SHARED_FILE}|{size}": [], f"{LOCAL_MEMORY}|{size}": []}
                for _ in range(COMPARE_ROUNDS):
                    for name, server_base in zip(runs, (base, local_base), strict=True):
                        runs[name].append(self.load(server_base + url))
                for name, results in runs.items():
                    loaded[name] = {
                        "rate": statistics.mean(r["rate"] for r in results),
                        "p99_ms": max(r["p99_ms"] for r in results),
                    }
                    log(f"  {name:<24} {loaded[name]['rate']:8.0f} req/s  p99 {loaded[name]['p99_ms']:.0f} ms")
        finally:
            self.seconds = seconds
        pages.update(shared)
        pages.update(local)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110  # nosec B110 - Django may never have been set up
            pass
        for cleanup in self.cleanups:
            cleanup()
        shutil.rmtree(self.workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true", help="put the results into README.md")
    parser.add_argument("--only", metavar="TEXT", help="measure only the pages whose row names contain TEXT")
    args = parser.parse_args()
    if args.only and args.write_readme:
        parser.error("--write-readme records a full run: leave out --only")
    bench = Bench(seconds=float(os.environ.get("BENCH_SECONDS", "15")))
    try:
        bench.run(write_readme=args.write_readme, only=args.only)
    finally:
        bench.stop()


if __name__ == "__main__":
    main()
