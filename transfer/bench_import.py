"""Benchmark: the memory (and time) `import_blog` needs for a large WordPress export.

    make bench-import                                # 20,000 comments on 200 posts
    make bench-import BENCH_ARGS="--size-mb 200"     # about 200 MB of WXR
    .venv/bin/python -m transfer.bench_import --comments 50000 --keep

It writes a WXR file (threads five deep, some replies before their parents, unicode and CDATA), imports it
into a fresh SQLite database (or the one in BENCH_DATABASE_URL) in a child process, and reports the child's
peak resident memory beside that of the same process after Django has started but before the import.
This is a benchmark, not a test: nothing here fails on a number.
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


def child(path: str, username: str) -> None:
    """Runs in the measured process: start Django, note the memory, import, print figures as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    User = get_user_model()
    User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    with open(os.devnull, "w") as sink:
        call_command("import_blog", path, "--author", username, stdout=sink)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"baseline_kb": before, "peak_kb": peak, "seconds": seconds, "cpu_seconds": cpu}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=20_000, help="comments in the file (default 20000)")
    parser.add_argument("--posts", type=int, default=200, help="posts in the file (default 200)")
    parser.add_argument("--size-mb", type=int, default=0, help="instead: make the file about this many MB")
    parser.add_argument("--keep", action="store_true", help="keep the generated file and database")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="blogsite-bench-"))
    path = workdir / "export.xml"
    comments, posts, words = args.comments, args.posts, 60
    if args.size_mb:
        # About 1.6 KB per comment with 150-word comments; posts grow with the file.
        words = 150
        comments = args.size_mb * 1024 * 1024 // 1650
        posts = max(200, comments // 100)
    started = time.perf_counter()
    generate(path, posts=posts, comments=comments, comment_words=words, post_words=400)
    size_mb = path.stat().st_size / 1024 / 1024
    elapsed = time.perf_counter() - started
    print(f"generated {path} ({size_mb:.1f} MB, {posts} posts, {comments} comments) in {elapsed:.1f}s")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blogsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-secret"),
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "transfer.bench_import", "--child", str(path), "bench"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"import_blog: {figures['seconds']:.1f}s ({figures['cpu_seconds']:.1f}s of CPU), "
        f"peak memory {figures['peak_kb'] / 1024:.0f} MB "
        f"(Django started, before the import: {figures['baseline_kb'] / 1024:.0f} MB; "
        f"the import added {(figures['peak_kb'] - figures['baseline_kb']) / 1024:.0f} MB)"
    )
    if args.keep:
        print(f"kept {workdir}")
    else:
        for item in workdir.iterdir():
            item.unlink()
        workdir.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
