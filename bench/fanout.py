"""How long a new post takes to reach 10,000 followers' mail: the publishing request, the fan-out task, and the
delivery tasks that record each follower's inbox entry and email in the outbox (sending is the mail worker's
work, measured by bench/mail.py).

Makes a fresh SQLite database in a temporary folder (or uses `--database-url`, e.g. a new PostgreSQL database)
with a blogger and BENCH_FOLLOWERS followers (default 10,000) who want mail at once, on the database queue
(production's). Publishes a post, then runs the queued tasks one by one in this process, timing each step and
counting its queries. Prints a table; `--write-readme` records it in README.md.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README_START, README_END = "<!-- bench-fanout:start -->", "<!-- bench-fanout:end -->"


def setup(database_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
            "TASKS_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogsite.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure(followers: int) -> list[tuple[str, float, int]]:
    from allauth.account.models import EmailAddress
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from background.models import OutgoingMail
    from community.models import Follow, Notification
    from community.tasks import deliver_post, fan_out_post
    from posts.models import Blog
    from posts.services import create_post

    owner = User.objects.create_user("karen", "karen@example.com", "bench-password-1")
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    blog = Blog.objects.create(owner=owner, title="Small victories")
    users = User.objects.bulk_create(
        [User(username=f"reader{n}", email=f"reader{n}@example.org") for n in range(followers)], batch_size=2000
    )
    Follow.objects.bulk_create([Follow(follower=u, blog=blog) for u in users], batch_size=2000)

    rows = []

    def timed(label, func, *args):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = func(*args)
            elapsed = time.perf_counter() - start
        rows.append((label, elapsed, len(queries)))
        return result

    post = timed(
        "publish (the author's request: the post, and one task queued)",
        lambda: create_post(author=owner, title="Spring at last", body="Buds everywhere.", status="published"),
    )
    timed(f"fan-out task: {followers:,} followers into chunks of deliveries", fan_out_post.call, post.pk)
    deliveries = list(DBTaskResult.objects.filter(task_path="community.tasks.deliver_post").order_by("pk"))

    def deliver_all():
        for task in deliveries:
            deliver_post.call(*task.args_kwargs["args"])

    timed(f"{len(deliveries)} delivery tasks: inbox entries and outbox mail", deliver_all)
    total = sum(row[1] for row in rows)
    rows.append((f"total until {followers:,} mails wait in the outbox", total, sum(row[2] for row in rows)))
    assert OutgoingMail.objects.filter(key__startswith=f"post:{post.pk}:").count() == followers
    assert Notification.objects.filter(post=post).count() == followers
    return rows


def table(rows, followers: int, database: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"`make bench-fanout` on {when}: a post published to {followers:,} followers who want mail at once, "
        f"{database}, the database queue, tasks run one after another in one process.",
        "",
        "| step | time | queries |",
        "|---|---:|---:|",
    ]
    lines += [f"| {label} | {seconds * 1000:,.0f} ms | {queries} |" for label, seconds, queries in rows]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = ROOT / "README.md"
    content = readme.read_text()
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    content = pattern.sub(README_START + "\n" + text.replace("\\", "\\\\") + "\n" + README_END, content)
    readme.write_text(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=int(os.environ.get("BENCH_FOLLOWERS", "10000")))
    parser.add_argument("--database-url", default="", help="an empty database to use instead of a new SQLite file")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        setup(url)
        rows = measure(args.followers)
        text = table(rows, args.followers, "PostgreSQL" if url.startswith("postgres") else "SQLite")
    print(text)
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
