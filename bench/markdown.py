"""`make bench-markdown`: CPU time of the Markdown pipeline on hostile input, at 10 KB and at 100 KB.

Renders each of the inputs in `tests/markdown_inputs.py` (the shapes that make backtracking Markdown
parsers quadratic: nested brackets, emphasis runs, backticks, nested lists and quotes, link reference
storms) as a post and as a comment, at 10 KB and at 100 KB, and prints the CPU time of each and the ratio.
A linear pipeline costs about 10 times as much for 10 times the text; anything above `MAX_RATIO` fails the
run (exit status 1).

The ratio that is judged is taken with Python's garbage collector paused during each render: the
collector's passes over the render's own objects add a share that grows with the memory in use (up to
about 1.6 times at 100 KB on a busy machine), which is not the parser's work. The "with gc" column shows
the ratio with the collector running, for comparison.

    .venv/bin/python -m bench.markdown [--repeat N]
"""

import argparse
import gc
import os
import sys
import time

MAX_RATIO = 15
SMALL, LARGE = 10_000, 100_000


def cpu_seconds(render, text: str, repeat: int, *, collect: bool) -> float:
    """The smallest CPU time of `repeat` renders of `text` (the least disturbed by other work), with the
    garbage collector running or (`collect=False`) paused."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        if not collect:
            gc.disable()
        try:
            start = time.process_time()
            render(text)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def ratio(render, make, repeat: int, *, collect: bool) -> tuple[float, float, float]:
    small = cpu_seconds(render, make(SMALL), repeat, collect=collect)
    large = cpu_seconds(render, make(LARGE), repeat, collect=collect)
    # Below a millisecond the clock's resolution decides the ratio, not the parser.
    return small, large, large / max(small, 0.001)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="renders per input; the fastest counts")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogsite.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from posts.markup import COMMENT_HTML, render_markdown
    from posts.models import Post
    from tests.markdown_inputs import PATHOLOGICAL

    # A post as it is published: Markdown, sanitizer and code highlighting (`Post.render_body`).
    renderers = {"post": Post.render_body, "comment": lambda text: render_markdown(text, allow=COMMENT_HTML)}
    print(f"{'input':<22} {'as':<8} {'10 KB ms':>9} {'100 KB ms':>10} {'ratio':>6} {'with gc':>8}")
    worst = 0.0
    for name, make in PATHOLOGICAL.items():
        for kind, render in renderers.items():
            small, large, paused = ratio(render, make, args.repeat, collect=False)
            *_, collected = ratio(render, make, args.repeat, collect=True)
            worst = max(worst, paused)
            print(f"{name:<22} {kind:<8} {small * 1000:9.1f} {large * 1000:10.1f} {paused:6.1f} {collected:8.1f}")
    verdict = "ok" if worst <= MAX_RATIO else "FAIL"
    print(f"worst ratio {worst:.1f} (at most {MAX_RATIO}): {verdict}")
    return 0 if worst <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
