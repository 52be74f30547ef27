"""Query budgets: each public page runs the same number of queries with 5 posts as with 50."""

import datetime

import pytest
from django.utils import timezone

from tests.queries import page_queries

from .factories import BlogFactory, LabelFactory, PostFactory

pytestmark = pytest.mark.django_db

PAGES = {
    # name: (budget, url)
    "front page": (4, "/"),
    "blog home": (6, "/@karen/"),
    "year archive": (6, "/@karen/2025/"),
    "month archive": (6, "/@karen/2025/06/"),
    "label page": (7, "/@karen/label/label-0/"),
    "site atom feed": (2, "/feed/"),
    "site rss feed": (2, "/feed/rss/"),
    "blog atom feed": (3, "/@karen/feed/"),
    "blog rss feed": (3, "/@karen/feed/rss/"),
    "label feed": (4, "/@karen/label/label-0/feed/"),
    "sitemap": (4, "/sitemap.xml"),
    # Names (labels, bloggers), whether anything matches, count, page, the blogs and labels to narrow by,
    # and on SQLite whether its full-text tables exist (once per process).
    "search": (8, "/search/?q=number"),
}


def _make_posts(user, n):
    BlogFactory(owner=user)
    labels = [LabelFactory(name=f"label {i}") for i in range(3)]
    start = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)
    for i in range(n):
        PostFactory(author=user, published_at=start + datetime.timedelta(hours=i), labels=labels[: 1 + i % 3])
    return PostFactory(author=user, published_at=start + datetime.timedelta(hours=n // 2))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("n", [5, 50])
def test_page_query_count_is_within_budget(client, user, page, n, django_assert_max_num_queries):
    budget, url = PAGES[page]
    _make_posts(user, n)
    with django_assert_max_num_queries(budget):
        client.get(url)


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_posts(client, user, other_user, page, index_tables_known):
    _, url = PAGES[page]
    _make_posts(user, 5)
    few, _ = page_queries(client, url)
    _make_posts(user, 45)
    many, _ = page_queries(client, url)
    assert many == few


@pytest.mark.parametrize("n", [5, 50])
def test_permalink_page_query_count_is_within_budget(client, user, n, django_assert_max_num_queries):
    """Five for the post, its labels, its neighbours and the blog; the rest is the comments section."""
    post = _make_posts(user, n)
    with django_assert_max_num_queries(8):
        client.get(post.get_absolute_url())


def test_permalink_page_query_count_does_not_grow_with_posts(client, user):
    post = _make_posts(user, 5)
    few, _ = page_queries(client, post.get_absolute_url())
    _make_posts(user, 45)
    many, _ = page_queries(client, post.get_absolute_url())
    assert many == few


def test_signed_in_pages_cost_only_the_session_user_and_inbox_count_on_top(client, user):
    _make_posts(user, 5)
    anonymous, _ = page_queries(client, "/")
    client.force_login(user)
    signed_in, _ = page_queries(client, "/")
    assert signed_in <= anonymous + 3


@pytest.mark.parametrize("n", [5, 50])
def test_dashboard_query_count_is_flat(client, user, n, django_assert_max_num_queries):
    _make_posts(user, n)
    PostFactory(author=user, status="draft", published_at=None)
    PostFactory(author=user, status="scheduled", published_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(user)
    with django_assert_max_num_queries(11):
        client.get("/dashboard/")


def test_dashboard_query_count_does_not_grow_with_posts_drafts_or_scheduled_posts(client, user):
    def add(n):
        _make_posts(user, n)
        for _ in range(n):
            PostFactory(author=user, status="draft", published_at=None)
            PostFactory(author=user, status="scheduled", published_at=timezone.now() + datetime.timedelta(days=1))

    client.force_login(user)
    add(2)
    few, _ = page_queries(client, "/dashboard/")
    add(20)
    many, _ = page_queries(client, "/dashboard/")
    assert many == few
