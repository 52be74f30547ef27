"""Benchmark: the time and memory an import needs for a large WordPress export, by both of its paths.

    make bench-import                                         # 50 MB / 25,000 comments, then 200 MB / 100,000
    make bench-import BENCH_ARGS="--sizes 200:100000"         # one size: MB:comments
    .venv/bin/python -m transfer.bench_import --comments 20000 --keep

For each size it writes a WXR file (threads five deep, some replies before their parents, unicode and
CDATA) and imports it twice, each time into a fresh SQLite database (or the one in BENCH_DATABASE_URL) in
a child process: once as the dashboard does (an `ImportJob` worked by the `run_import_job` task, which
first counts the file), once as `import_blog` does. It reports each child's time and peak resident memory
beside that of the same process after Django has started but before the import: the import's own
memory should stay flat as the file grows. This is a benchmark, not a test: nothing fails on a number.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="WordPress/6.4.2" created="2024-01-20 10:00" -->
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
\t<title>Benchmark blog</title>
\t<link>https://bench.example.org</link>
\t<description>Generated</description>
\t<language>en-US</language>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>https://bench.example.org</wp:base_site_url>
\t<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>
\t<generator>https://wordpress.org/?v=6.4.2</generator>
"""

PARAGRAPH = (
    'Zażółć gęślą jaźń — 日本語のテキスト &amp; some <em>emphasis</em>, a <a href="https://example.org/">link</a>. '
)


def _comment(cid: int, parent: int, when: datetime, words: int) -> str:
    text = (PARAGRAPH * max(1, words // 16))[: words * 7]
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{cid}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author><![CDATA[Reader {cid % 977}]]></wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email><![CDATA[reader{cid % 977}@example.net]]></wp:comment_author_email>\n"
        "\t\t\t<wp:comment_author_url>https://reader.example.net/</wp:comment_author_url>\n"
        "\t\t\t<wp:comment_author_IP><![CDATA[192.0.2.1]]></wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date><![CDATA[{when:%Y-%m-%d %H:%M:%S}]]></wp:comment_date>\n"
        f"\t\t\t<wp:comment_date_gmt><![CDATA[{when:%Y-%m-%d %H:%M:%S}]]></wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content><![CDATA[{text}]]></wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved><![CDATA[{'1' if cid % 11 else '0'}]]></wp:comment_approved>\n"
        "\t\t\t<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
        "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
        "\t\t</wp:comment>\n"
    )


def generate(path: Path, *, posts: int, comments: int, comment_words: int, post_words: int) -> None:
    """Write a WXR file with `posts` posts sharing `comments` comments in threads up to five deep."""
    per_post = max(1, comments // posts)
    start = datetime(2010, 1, 1, tzinfo=UTC)
    cid = 1
    made = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEAD)
        for n in range(1, posts + 1):
            when = start + timedelta(days=n)
            body = "<p>" + (PARAGRAPH * max(1, post_words // 16)) + "</p>\n"
            fh.write(
                "\t<item>\n"
                f"\t\t<title><![CDATA[Post number {n}: über &amp; 日本]]></title>\n"
                f"\t\t<link>https://bench.example.org/{when:%Y/%m/%d}/post-{n}/</link>\n"
                f"\t\t<pubDate>{when:%a, %d %b %Y %H:%M:%S} +0000</pubDate>\n"
                "\t\t<dc:creator><![CDATA[bench]]></dc:creator>\n"
                f'\t\t<guid isPermaLink="false">https://bench.example.org/?p={n}</guid>\n'
                "\t\t<description></description>\n"
                f"\t\t<content:encoded><![CDATA[{body}]]></content:encoded>\n"
                "\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
                f"\t\t<wp:post_id>{n}</wp:post_id>\n"
                f"\t\t<wp:post_date><![CDATA[{when:%Y-%m-%d %H:%M:%S}]]></wp:post_date>\n"
                f"\t\t<wp:post_date_gmt><![CDATA[{when:%Y-%m-%d %H:%M:%S}]]></wp:post_date_gmt>\n"
                "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
                f"\t\t<wp:post_name><![CDATA[post-{n}]]></wp:post_name>\n"
                f"\t\t<wp:status><![CDATA[{'publish' if n % 10 else 'draft'}]]></wp:status>\n"
                "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
                f'\t\t<category domain="category" nicename="topic-{n % 25}"><![CDATA[Topic {n % 25}]]></category>\n'
                f'\t\t<category domain="post_tag" nicename="tag-{n % 40}"><![CDATA[Tag {n % 40}]]></category>\n'
            )
            count = per_post if n < posts else comments - made
            chain: list[str] = []
            parent = 0
            for i in range(count):
                # Threads of five: each comment replies to the one before, then a new thread starts.
                parent = 0 if i % 5 == 0 else cid - 1
                chain.append(_comment(cid, parent, when + timedelta(minutes=i), comment_words))
                if i % 5 == 4 or i == count - 1:
                    # Every third thread is written newest first: replies before their parents.
                    fh.write("".join(reversed(chain) if (i // 5) % 3 == 0 else chain))
                    chain = []
                cid += 1
            made += count
            fh.write("\t</item>\n")
        fh.write("</channel>\n</rss>\n")


def child(path: str, username: str, how: str) -> None:
    """Runs in the measured process: start Django, note the memory, import, print figures as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from transfer.jobs import imports_storage
    from transfer.models import ImportJob
    from transfer.tasks import run_import_job

    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
    job = None
    if how == "task":
        # The dashboard's upload step, without copying 200 MB: the file is linked into the imports folder.
        folder = Path(imports_storage().location)
        folder.mkdir(parents=True, exist_ok=True)
        os.link(path, folder / "upload.xml")
        job = ImportJob.objects.create(owner=user, file="upload.xml", original_name="export.xml")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    if job is not None:
        run_import_job.call(job.pk)
        job.refresh_from_db()
        if job.status != ImportJob.Status.DONE:
            raise SystemExit(f"the import job ended {job.status}: {job.error}")
    else:
        with open(os.devnull, "w") as sink:
            call_command("import_blog", path, "--author", username, stdout=sink)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"baseline_kb": before, "peak_kb": peak, "seconds": seconds, "cpu_seconds": cpu}))


def measure(path: Path, workdir: Path, how: str) -> dict:
    database = workdir / f"bench-{how}.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blogsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-secret"),
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{database}"),
        "IMPORTS_ROOT": str(workdir / "imports"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "transfer.bench_import", "--child", str(path), "bench", how],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    for leftover in workdir.glob(f"bench-{how}.sqlite3*"):
        leftover.unlink()
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="50:25000,200:100000",
        help="file sizes to measure, as MB:comments separated by commas (default 50:25000,200:100000)",
    )
    parser.add_argument("--comments", type=int, default=0, help="instead: one file with this many comments")
    parser.add_argument("--posts", type=int, default=0, help="posts in the file (default: one per 100 comments)")
    parser.add_argument("--only", choices=["task", "command"], help="measure one path only")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--child", nargs=3, metavar=("FILE", "USER", "HOW"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    if args.comments:
        sizes = [(0, args.comments)]
    else:
        sizes = [tuple(int(x) for x in size.split(":")) for size in args.sizes.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="blogsite-bench-"))
    rows = []
    for size_mb, comments in sizes:
        posts = args.posts or max(200, comments // 100)
        post_words = 400
        words = 60
        if size_mb:
            # What is left of the size after the posts, shared by the comments (about 750 bytes of XML each).
            per_comment = (size_mb * 2**20 - posts * (post_words * 7 + 1500)) / comments
            words = max(5, int((per_comment - 750) / 7))
        path = workdir / f"export-{size_mb or comments}.xml"
        started = time.perf_counter()
        generate(path, posts=posts, comments=comments, comment_words=words, post_words=post_words)
        actual_mb = path.stat().st_size / 2**20
        print(
            f"generated {path} ({actual_mb:.0f} MB, {posts} posts, {comments} comments) "
            f"in {time.perf_counter() - started:.0f}s"
        )
        for how in ("task", "command"):
            if args.only and how != args.only:
                continue
            figures = measure(path, workdir, how)
            rows.append((actual_mb, posts, comments, how, figures))
            print(
                f"  {'dashboard task' if how == 'task' else 'import_blog':14} {figures['seconds']:6.0f}s "
                f"({figures['cpu_seconds']:.0f}s of CPU), peak memory {figures['peak_kb'] / 1024:.0f} MB "
                f"(before the import {figures['baseline_kb'] / 1024:.0f} MB; "
                f"the import added {(figures['peak_kb'] - figures['baseline_kb']) / 1024:.0f} MB)"
            )
        if not args.keep:
            path.unlink()
    print()
    print("| file | posts | comments | path | time (CPU) | peak memory | added by the import |")
    print("|---|---|---|---|---|---|---|")
    for size, posts, comments, how, f in rows:
        print(
            f"| {size:.0f} MB | {posts:,} | {comments:,} | {'task' if how == 'task' else 'command'} "
            f"| {f['seconds']:.0f} s ({f['cpu_seconds']:.0f} s) | {f['peak_kb'] / 1024:.0f} MB "
            f"| {(f['peak_kb'] - f['baseline_kb']) / 1024:.0f} MB |"
        )
    if args.keep:
        print(f"kept {workdir}")
    else:
        for item in sorted(workdir.rglob("*"), reverse=True):
            item.rmdir() if item.is_dir() else item.unlink()
        workdir.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
