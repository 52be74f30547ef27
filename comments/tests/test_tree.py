import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.tree import COMMENTS_PER_PAGE, flatten, load_thread
from posts.tests.factories import PostFactory

from .factories import CommentFactory, bulk_replies, bulk_threads
from .helpers import render_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_post(user):
    return PostFactory(author=user, title="A second post")


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


def roots_of(post) -> list[int]:
    return list(post.comments.filter(depth=0).order_by("path").values_list("pk", flat=True))


def shown_roots(thread) -> list[int]:
    return [root.pk for root in thread.roots]


def test_a_page_takes_whole_threads_until_it_holds_its_comments(post):
    bulk_threads(post, threads=7, replies=2)  # 3 comments a thread
    roots = roots_of(post)
    first = load_thread(post, per_page=10)
    assert shown_roots(first) == roots[:4]  # 12 comments: the fourth thread is not cut
    assert (first.earlier_before, first.later_start) == (None, roots[4])
    second = load_thread(post, start=str(first.later_start), per_page=10)
    assert shown_roots(second) == roots[4:]
    assert (second.earlier_before, second.later_start) == (roots[4], None)
    # Whole threads stay together on their page.
    assert all(len(root.children) == 1 and len(root.children[0].children) == 1 for root in second.roots)


def test_earlier_pages_are_filled_backwards_from_where_a_page_begins(post):
    bulk_threads(post, threads=7, replies=2)
    roots = roots_of(post)
    earlier = load_thread(post, before=str(roots[5]), per_page=10)
    assert shown_roots(earlier) == roots[1:5]
    assert (earlier.earlier_before, earlier.later_start) == (roots[1], roots[5])
    first = load_thread(post, before=str(roots[1]), per_page=10)
    assert shown_roots(first) == roots[:1]
    assert (first.earlier_before, first.later_start) == (None, roots[1])


def test_latest_comments_are_the_last_page(post):
    bulk_threads(post, threads=7, replies=2)
    roots = roots_of(post)
    latest = load_thread(post, latest=True, per_page=10)
    assert shown_roots(latest) == roots[3:]
    assert (latest.earlier_before, latest.later_start) == (roots[3], None)


def test_a_thread_up_to_twice_a_page_long_is_kept_whole(post):
    bulk_threads(post, threads=1)
    bulk_threads(post, threads=1, replies=18)
    bulk_threads(post, threads=2)
    roots = roots_of(post)
    first = load_thread(post, per_page=10)
    assert shown_roots(first) == roots[:2]
    assert len(first.items) == 2 * 20
    assert shown_roots(load_thread(post, start=str(first.later_start), per_page=10)) == roots[2:]


def test_a_longer_thread_goes_on_over_the_next_pages_below_the_comments_it_answers(post):
    bulk_threads(post, threads=1, replies=29)  # one chain of thirty comments
    bulk_threads(post, threads=1)
    chain = list(post.comments.order_by("path").values_list("pk", flat=True))
    first = load_thread(post, per_page=5)
    assert [c.pk for opening, c in first.items if opening] == chain[:10]
    assert first.later_start == chain[10]
    assert not first.continued

    second = load_thread(post, start=str(first.later_start), per_page=5)
    opened = [c.pk for opening, c in second.items if opening]
    assert opened == chain[:20]  # the ten it answers, then its own ten
    assert second.continued
    assert (second.earlier_before, second.later_start) == (chain[10], chain[20])

    back = load_thread(post, before=str(second.later_start), per_page=5)
    assert [c.pk for opening, c in back.items if opening] == chain[:20]
    assert (back.earlier_before, back.later_start) == (chain[10], chain[20])

    third = load_thread(post, start=str(chain[20]), per_page=5)
    assert [c.pk for opening, c in third.items if opening][20:] == chain[20:30]
    assert third.later_start == chain[30]  # the next thread
    assert shown_roots(load_thread(post, start=str(third.later_start), per_page=5)) == [chain[30]]


def test_a_link_to_a_comment_deep_in_a_long_thread_opens_a_page_that_shows_it(post):
    bulk_threads(post, threads=1, replies=29)
    deep = post.comments.order_by("path").last()
    thread = load_thread(post, comment_pk=str(deep.pk), per_page=5)
    assert deep.pk in [c.pk for opening, c in thread.items if opening]
    assert thread.continued


def test_a_page_that_goes_on_with_a_long_thread_says_so_and_links_both_ways(post):
    root = CommentFactory(post=post)
    replies = bulk_replies(root, 2 * COMMENTS_PER_PAGE + 50)
    first = render_thread(post)
    assert first.count('<article class="comment') == 2 * COMMENTS_PER_PAGE
    assert f"?cstart={replies[2 * COMMENTS_PER_PAGE - 1]}#comments" in first
    assert "goes on here" not in first
    second = render_thread(post, cstart=str(replies[2 * COMMENTS_PER_PAGE - 1]))
    assert "goes on here" in second
    assert f'id="c{root.pk}"' in second and f'id="c{replies[-1]}"' in second
    assert second.count('<article class="comment') == 52
    assert f"?cbefore={replies[2 * COMMENTS_PER_PAGE - 1]}#comments" in second


def test_pages_weigh_approved_replies_only(post):
    bulk_threads(post, threads=4, replies=4)
    Comment.objects.filter(post=post, depth__gt=0).update(status=Comment.Status.PENDING)
    # Five comments a thread, but the readers see one: all four threads fit a page of ten.
    assert not load_thread(post, per_page=10).has_other_pages


def test_a_page_is_as_long_whatever_the_number_of_threads(post, other_post):
    """The first page of a post with many threads holds no more comments than that of a post with few."""
    bulk_threads(post, threads=COMMENTS_PER_PAGE // 4, replies=3)
    bulk_threads(other_post, threads=COMMENTS_PER_PAGE, replies=3)
    small, large = load_thread(post), load_thread(other_post)
    assert not small.has_other_pages and large.later_start is not None
    assert len(large.items) == len(small.items) == 2 * COMMENTS_PER_PAGE


def test_a_page_reads_its_own_thread_roots_and_one_more(post):
    """Finding a page never reads the roots of the threads before it, nor of those after the next page."""
    bulk_threads(post, threads=150)
    roots = roots_of(post)
    with CaptureQueriesContext(connection) as queries:
        thread = load_thread(post, start=str(roots[100]), per_page=20)
    assert shown_roots(thread) == roots[100:120]
    roots_query = next(q["sql"] for q in queries.captured_queries if "thread_reply_count" in q["sql"])
    assert "LIMIT 21" in roots_query


@pytest.mark.parametrize(
    "params",
    [
        {"start": "abc"},
        {"start": "-3"},
        {"before": "0"},
        {"start": "99999999999999999999"},
        {"comment_pk": "abc"},
        {"comment_pk": "0"},
    ],
)
def test_odd_page_parameters_give_the_first_page(post, params):
    bulk_threads(post, threads=11)
    thread = load_thread(post, per_page=10, **params)
    assert shown_roots(thread) == roots_of(post)[:10]


def test_pages_past_either_end_give_the_nearest_page(post):
    bulk_threads(post, threads=11)
    roots = roots_of(post)
    assert shown_roots(load_thread(post, start=str(roots[-1] + 100), per_page=10)) == roots[1:]
    assert shown_roots(load_thread(post, before=str(roots[0]), per_page=10)) == roots[:10]


def test_a_post_without_comments_has_one_empty_page(post):
    thread = load_thread(post, start="2")
    assert (thread.roots, thread.has_other_pages) == ([], False)


def test_comment_parameter_starts_the_page_at_the_comments_thread(post):
    bulk_threads(post, threads=COMMENTS_PER_PAGE // 2 + 5, replies=1)
    late_reply = Comment.objects.filter(post=post, depth=1).order_by("-path").first()
    html = render_thread(post, comment=str(late_reply.pk))
    assert f'id="c{late_reply.pk}"' in html
    assert f'id="c{late_reply.pk}"' not in render_thread(post)
    assert "Earlier" in html


def test_comment_parameter_of_another_post_is_ignored(post, other_post):
    bulk_threads(post, threads=25)
    roots = roots_of(post)
    elsewhere = CommentFactory(post=other_post)
    thread = load_thread(post, start=str(roots[12]), comment_pk=str(elsewhere.pk), per_page=10)
    assert shown_roots(thread) == roots[12:22]


def test_page_links_lead_to_the_neighbouring_pages(post):
    bulk_threads(post, threads=2 * COMMENTS_PER_PAGE + 1)
    roots = roots_of(post)
    html = render_thread(post)
    assert f"?cstart={roots[COMMENTS_PER_PAGE]}#comments" in html
    assert "?clatest=1#comments" in html
    assert "cbefore" not in html
    middle = render_thread(post, cstart=str(roots[COMMENTS_PER_PAGE]))
    assert f"?cbefore={roots[COMMENTS_PER_PAGE]}#comments" in middle
    assert f"?cstart={roots[2 * COMMENTS_PER_PAGE]}#comments" in middle


def test_the_post_page_answers_odd_page_parameters(client, post):
    bulk_threads(post, threads=3)
    for query in ["cstart=x", "cbefore=-1", "clatest=yes", "cstart=0&cbefore=0", "comment=%00", "cstart=" + "9" * 40]:
        response = client.get(post.get_absolute_url() + "?" + query)
        assert response.status_code == 200, query
        assert response.content.decode().count('class="comment') >= 3


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
