import pytest

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tree import COMMENTS_PER_PAGE
from tests.queries import page_queries

from .factories import CommentFactory, bulk_threads
from .helpers import render_thread

pytestmark = pytest.mark.django_db

# The page's thread roots, and the page's comments with their authors (the post stores its count).
THREAD_QUERIES = 2
# A signed-in reader adds two: their own comments awaiting moderation on the page, and may they comment
# (a verified address)?
THREAD_QUERIES_SIGNED_IN = THREAD_QUERIES + 2


def make_comments(post, n):
    """`n` approved comments in threads ten deep, by a handful of readers (some with avatars)."""
    authors = [UserFactory(), UserFactory(), UserFactory(avatar="avatars/1/face.png")]
    threads = max(1, n // 10)
    bulk_threads(post, threads=threads, replies=n // threads - 1, authors=authors)
    assert Comment.objects.filter(post=post).count() == n


@pytest.mark.parametrize("n", [10, 1_000])
def test_thread_renders_in_the_same_queries_whatever_the_number_of_comments(post, n, django_assert_num_queries):
    make_comments(post, n)
    with django_assert_num_queries(THREAD_QUERIES):
        html = render_thread(post)
    assert html.count("<article") == min(n, COMMENTS_PER_PAGE)


@pytest.mark.parametrize("n", [10, 1_000])
def test_thread_for_a_signed_in_reader_renders_in_fixed_queries(post, other_user, n, django_assert_num_queries):
    make_comments(post, n)
    held = CommentFactory(post=post, author=other_user, status=Comment.Status.PENDING)
    with django_assert_num_queries(THREAD_QUERIES_SIGNED_IN):
        html = render_thread(post, other_user, clatest="1")
    assert f'id="c{held.pk}"' in html


def test_thread_with_ten_thousand_comments_renders_in_the_same_queries(post, django_assert_num_queries):
    """Ten thousand comments in a thousand threads: one page of 200 comments, still two queries."""
    make_comments(post, 10_000)
    with django_assert_num_queries(THREAD_QUERIES):
        html = render_thread(post)
    assert html.count("<article") == COMMENTS_PER_PAGE
    assert "?clatest=1#comments" in html


def test_finding_a_comments_page_costs_one_more_query(post, django_assert_num_queries):
    make_comments(post, 1_000)
    last = Comment.objects.filter(post=post).order_by("-path").first()
    with django_assert_num_queries(THREAD_QUERIES + 1):
        html = render_thread(post, comment=str(last.pk))
    assert f'id="c{last.pk}"' in html


def test_post_page_renders_in_the_same_queries_at_10_1000_and_10000_comments(client, post):
    """Bulk-made comments in threads of ten; the page shows the first 200 comments of each."""
    authors = [UserFactory(), UserFactory(avatar="avatars/1/face.png")]
    url = post.get_absolute_url()
    counts = []
    for total in (10, 1_000, 10_000):
        made = Comment.objects.filter(post=post).count()
        bulk_threads(post, threads=(total - made) // 10, replies=9, authors=authors)
        n, html = page_queries(client, url)
        counts.append(n)
        assert html.count('<article class="comment') == min(total, COMMENTS_PER_PAGE)
    assert counts[0] == counts[1] == counts[2], counts


def test_post_page_for_a_signed_in_reader_does_not_grow_with_comments(client, post, other_user):
    client.force_login(other_user)
    url = post.get_absolute_url()
    bulk_threads(post, threads=1, replies=9)
    few, _ = page_queries(client, url)
    bulk_threads(post, threads=99, replies=9, authors=[UserFactory(), UserFactory(), other_user])
    many, html = page_queries(client, url)
    assert many == few
    assert 'name="body"' in html


# A signed-in reader's post page once it is cached: no query. The post's body, labels and neighbours, the
# thread and the comment form come from the cache every reader shares; the session, the reader's account,
# the post (may they see it?), may they comment (a verified address), the header's unread inbox count and
# their own held comments on the page were looked up on their first visit to this version of each.
SIGNED_IN_POST_PAGE_QUERIES = 0


@pytest.mark.parametrize("total", [10, 1_000])
def test_a_signed_in_readers_post_page_takes_the_shared_thread_from_the_cache_in_fixed_queries(
    client, post, other_user, settings, total, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    bulk_threads(post, threads=total // 10, replies=9, authors=[UserFactory(), other_user])
    mine = Comment.objects.filter(post=post, author=other_user).order_by("path").first()
    held = CommentFactory(post=post, author=other_user, parent=mine, status=Comment.Status.PENDING)
    client.force_login(other_user)
    url = post.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(SIGNED_IN_POST_PAGE_QUERIES):
        html = client.get(url).content.decode()
    assert f'id="c{held.pk}"' in html
    assert f'href="/comments/{mine.pk}/edit/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
