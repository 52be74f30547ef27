import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.tree import THREADS_PER_PAGE, flatten, load_thread

from .factories import CommentFactory, bulk_threads
from .helpers import render_thread

pytestmark = pytest.mark.django_db


def test_tree_lists_threads_depth_first_with_siblings_oldest_first(post):
    a = CommentFactory(post=post)
    b = CommentFactory(post=post)
    a1 = CommentFactory(post=post, parent=a)
    a2 = CommentFactory(post=post, parent=a)
    a1x = CommentFactory(post=post, parent=a1)
    thread = load_thread(post)
    assert [c.pk for c in thread.roots] == [a.pk, b.pk]
    opened = [c.pk for is_open, c in thread.items if is_open]
    assert opened == [a.pk, a1.pk, a1x.pk, a2.pk, b.pk]
    assert [c.pk for c in thread.roots[0].children] == [a1.pk, a2.pk]


def test_flatten_closes_every_comment_it_opens_in_reverse_order(post):
    a = CommentFactory(post=post)
    a1 = CommentFactory(post=post, parent=a)
    items = [(is_open, c.pk) for is_open, c in flatten(load_thread(post).roots)]
    assert items == [(True, a.pk), (True, a1.pk), (False, a1.pk), (False, a.pk)]


def test_sixty_levels_deep_thread_renders_without_recursion_limits(post):
    """Deep chains don't recurse in Python or in templates: every level is still nested in the markup."""
    bulk_threads(post, threads=1, replies=59)
    html = render_thread(post)
    assert html.count("<article") == 60
    deepest = html.rindex("<article")
    assert html[:deepest].count("<article") - html[:deepest].count("</article>") == 59


def test_deep_replies_are_marked_so_css_caps_their_indentation(post):
    bulk_threads(post, threads=1, replies=8)
    html = render_thread(post)
    assert html.count("comment-deep") == 3  # depths 6, 7 and 8


def test_threads_beyond_one_page_are_paginated_by_thread(post):
    bulk_threads(post, threads=THREADS_PER_PAGE + 5, replies=2)
    first = load_thread(post)
    assert first.num_pages == 2
    assert len(first.roots) == THREADS_PER_PAGE
    second = load_thread(post, page=2)
    assert len(second.roots) == 5
    # Whole threads stay together on their page.
    assert all(len(root.children) == 1 for root in second.roots)


def test_a_page_reads_only_its_own_thread_roots_not_every_root(post):
    """Counting pages and finding a page's bounds is one LIMITed query, not a load of every thread root."""
    bulk_threads(post, threads=3 * THREADS_PER_PAGE, replies=0)
    with CaptureQueriesContext(connection) as queries:
        thread = load_thread(post, page=2)
    assert (thread.page_number, thread.num_pages) == (2, 3)
    roots_query = next(q["sql"] for q in queries.captured_queries if "OVER" in q["sql"])
    assert "LIMIT" in roots_query


def test_bad_page_numbers_fall_back_to_a_valid_page(post):
    bulk_threads(post, threads=THREADS_PER_PAGE + 1)
    assert load_thread(post, page="abc").page_number == 1
    assert load_thread(post, page="-3").page_number == 1
    assert load_thread(post, page="99").page_number == 2


def test_comment_parameter_picks_the_page_that_holds_the_comment(post):
    bulk_threads(post, threads=THREADS_PER_PAGE + 5, replies=1)
    late_reply = Comment.objects.filter(post=post, depth=1).order_by("-path").first()
    html = render_thread(post, comment=str(late_reply.pk))
    assert f'id="c{late_reply.pk}"' in html
    assert f'id="c{late_reply.pk}"' not in render_thread(post)


def test_pagination_links_go_to_other_pages_of_threads(post):
    bulk_threads(post, threads=THREADS_PER_PAGE + 1)
    html = render_thread(post)
    assert "?cpage=2#comments" in html


def test_locate_redirects_to_the_comment_on_its_page(client, post):
    comment = CommentFactory(post=post)
    response = client.get(reverse("comments:locate", args=[comment.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?comment={comment.pk}#c{comment.pk}"


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED])
def test_locate_does_not_reveal_hidden_comments(client, post, status):
    comment = CommentFactory(post=post, status=status)
    assert client.get(reverse("comments:locate", args=[comment.pk])).status_code == 404


def test_locate_finds_a_readers_own_pending_comment_for_them(client, post, other_user):
    comment = CommentFactory(post=post, author=other_user, status=Comment.Status.PENDING)
    client.force_login(other_user)
    assert client.get(reverse("comments:locate", args=[comment.pk])).status_code == 302


def test_thread_section_tells_the_script_where_the_post_lives(post):
    html = render_thread(post)
    assert f'data-post-url="{post.get_absolute_url()}"' in html
    assert "js/comments.js" in html
