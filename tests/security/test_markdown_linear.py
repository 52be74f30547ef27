"""Hostile Markdown renders in time linear in its length (CPU ratios: `make bench-markdown`).

These tests only bound the time generously, so that a parser gone quadratic fails them (a 100 KB input
would then take minutes) without making them depend on the machine's speed."""

import signal
from contextlib import contextmanager

import pytest

from posts.markup import COMMENT_HTML, POST_HTML, render_markdown
from tests.markdown_inputs import PATHOLOGICAL


@contextmanager
def time_limit(seconds: int):
    def give_up(signum, frame):
        raise TimeoutError(f"rendering took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_hostile_markdown_of_100_kb_renders_quickly_as_post_and_comment(name):
    text = PATHOLOGICAL[name](100_000)
    assert len(text) >= 99_000
    with time_limit(60):
        post_html = render_markdown(text, allow=POST_HTML)
        comment_html = render_markdown(text, allow=COMMENT_HTML)
    assert post_html and comment_html


def test_a_megabyte_of_mixed_hostile_markdown_renders_within_a_generous_limit():
    text = "\n\n".join(make(1_000_000 // len(PATHOLOGICAL)) for make in PATHOLOGICAL.values())
    assert len(text) >= 1_000_000
    with time_limit(120):
        assert render_markdown(text, allow=POST_HTML)
