"""The reply tree of a large import is linked from the database in batches, so memory stays flat."""

import gc
import tracemalloc

import pytest

from accounts.tests.factories import UserFactory
from comments.models import PATH_MAX_DEPTH, Comment
from transfer import importer
from transfer.bench_import import generate
from transfer.importer import import_blog

pytestmark = pytest.mark.django_db


def _comment(n, parent, post=1):
    return (
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>R{n}</wp:comment_author>"
        f"<wp:comment_date_gmt>2011-01-01 00:{n // 60 % 60:02d}:{n % 60:02d}</wp:comment_date_gmt>"
        f"<wp:comment_content>Reply {n}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )


def _item(post_id, comments):
    return (
        f"<item><title>Post {post_id}</title><wp:post_id>{post_id}</wp:post_id>"
        "<wp:post_date_gmt>2011-01-01 00:00:00</wp:post_date_gmt><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>{comments}</item>"
    )


def _tangled_file(path):
    """A chain deeper than threads go written newest first, a reply loop, a reply to a missing comment, a
    reply to a comment on another post, and a comment twice."""
    deep = "".join(_comment(n, n - 1 if n > 1 else 0) for n in range(PATH_MAX_DEPTH + 8, 0, -1))
    loop = _comment(501, 502) + _comment(502, 501)
    odd = _comment(503, 9999) + _comment(504, 3) + _comment(505, 0) + _comment(505, 0)
    other = _comment(601, 0, post=2) + _comment(602, 601, post=2) + _comment(603, 602, post=2)
    path.write_text(
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://x.example</link>'
        f"{_item(1, deep + loop + odd)}{_item(2, other)}</channel></rss>",
        encoding="utf-8",
    )
    return path


def _shape(author):
    """Each comment as (post, body, depth, parent's body, date). (Siblings' order follows the insert batches.)"""
    return sorted(
        (c.post.title, c.body, c.depth, c.parent.body if c.parent else "", c.created_at)
        for c in Comment.objects.filter(post__author=author).select_related("post", "parent")
    )


def test_a_tangled_tree_links_the_same_in_batches_of_three_as_in_one(tmp_path, monkeypatch):
    path = _tangled_file(tmp_path / "tangled.xml")
    whole, batched = UserFactory(username="whole"), UserFactory(username="batched")
    expected = import_blog(path=path, author=whole)
    monkeypatch.setattr(importer, "COMMENT_BATCH", 3)
    summary = import_blog(path=path, author=batched)

    assert _shape(batched) == _shape(whole)
    assert summary.lines() == expected.lines()
    rows = list(Comment.objects.filter(post__author=batched).select_related("parent"))
    assert len(rows) == PATH_MAX_DEPTH + 8 + 5 + 3
    assert max(c.depth for c in rows) == PATH_MAX_DEPTH - 1
    assert all(c.path for c in rows)
    assert all(c.parent is None or c.path == c.parent.path + c.path[-8:] for c in rows)
    assert all(c.parent is None or (c.depth == c.parent.depth + 1 and c.parent.post_id == c.post_id) for c in rows)
    notes = "\n".join(summary.lines())
    assert "deeper than" in notes
    assert "replies whose parents are not in the file were kept as top-level comments" in notes
    assert "1 comment: the same comment id appears twice in the file" in notes
    assert summary.comment_count == len(rows)


def _peak_import(tmp_path, comments):
    path = tmp_path / f"export-{comments}.xml"
    generate(path, posts=comments // 100, comments=comments, comment_words=8, post_words=16)
    author = UserFactory()
    gc.collect()
    tracemalloc.start()
    try:
        summary = import_blog(path=path, author=author)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.comment_count == comments
    assert Comment.objects.filter(post__author=author, path="").count() == 0
    return peak


def test_an_imports_memory_does_not_grow_with_its_number_of_comments(tmp_path):
    _peak_import(tmp_path, 500)  # What the first import of a process sets up once.
    small = _peak_import(tmp_path, 2000)
    large = _peak_import(tmp_path, 8000)
    # Four times the comments: a map of the tree would hold about 0.4 KB more for each of the 6,000 more
    # (2.4 MB; the whole tree in memory, as imports once held it, about 7 MB). What does grow is bounded
    # caches that fill with the posts: about 0.1 MB on PostgreSQL, 0.4-0.5 MB on SQLite run alone.
    assert large - small < 1_000_000, (small, large)
