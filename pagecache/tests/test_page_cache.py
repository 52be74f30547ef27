"""Anonymous pages come from the cache, and every change a reader could notice shows at once."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from blogsite.versions import GLOBAL, KEY_PREFIX, current, post_scope
from comments.models import Comment
from comments.services import delete_comment, edit_comment, post_comment
from comments.tests.factories import CommentFactory
from moderation.models import ModerationEvent
from moderation.services import ban_user, moderate_comments
from pagecache import signals as cache_signals
from pagecache.middleware import HEADER
from posts.models import Blog, Post
from posts.services import create_post, delete_post, publish_due_posts, update_post
from posts.tests.factories import LabelFactory, PostFactory

from .helpers import thread_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(other_user):
    """sp, who reads Karen's blog and comments on it."""
    return other_user


def get(client, url, *, expect=None):
    response = client.get(url)
    assert response.status_code in {200, 404}, (url, response.status_code)
    if expect is not None:
        assert response.get(HEADER) == expect, (url, response.get(HEADER))
    return response.content.decode()


def comments_feed(post) -> str:
    return reverse("comments:feed", kwargs=post.permalink_kwargs())


# Serving from the cache


def test_an_anonymous_page_is_served_from_the_cache_the_second_time_without_queries(
    client, post, django_assert_num_queries
):
    url = post.get_absolute_url()
    first = get(client, url, expect="miss")
    with django_assert_num_queries(0):
        second = get(client, url, expect="hit")
    assert first == second


@pytest.mark.parametrize("name", ["posts:front", "posts:blog"])
def test_site_and_blog_pages_are_cached(client, post, name):
    url = reverse(name, kwargs={"username": "karen"} if name == "posts:blog" else {})
    get(client, url, expect="miss")
    get(client, url, expect="hit")


def test_a_signed_in_reader_never_gets_or_makes_a_cached_page(client, post, reader):
    client.force_login(reader)
    get(client, "/", expect=None)
    response = client.get("/")
    assert HEADER not in response
    client.logout()
    get(client, "/", expect="miss")


def test_a_reader_with_messages_waiting_gets_a_fresh_page(client, post):
    get(client, "/", expect="miss")
    client.cookies["messages"] = "something"
    response = client.get("/")
    assert HEADER not in response


def test_made_up_query_parameters_are_served_uncached(client, post):
    get(client, "/?page=1", expect="miss")
    get(client, "/?page=1", expect="hit")
    response = client.get("/?utm_source=newsletter")
    assert HEADER not in response
    response = client.get("/?page=x")
    assert HEADER not in response


def test_a_response_that_sets_a_cookie_is_never_stored(client, post, rf):
    from django.http import HttpResponse

    from pagecache.middleware import AnonymousPageCacheMiddleware

    request = rf.get("/")
    request.user = AnonymousUser()
    response = HttpResponse("<form>token</form>")
    response.set_cookie("csrftoken", "abc")
    assert not AnonymousPageCacheMiddleware.may_store(request, response)
    assert AnonymousPageCacheMiddleware.may_store(request, HttpResponse("plain"))


def test_cached_pages_keep_their_security_headers(client, post):
    get(client, "/", expect="miss")
    response = client.get("/")
    assert response[HEADER] == "hit"
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_thread_fragment_is_shared_by_every_reader_signed_in_or_not(post, reader):
    CommentFactory(post=post, author=reader, body="First!")
    html = thread_html(post)
    assert "First!" in html
    Comment.objects.filter(post=post).update(body_html="<p>changed behind the cache's back</p>")
    assert thread_html(post) == html
    mine = thread_html(post, user=reader)
    assert "First!" in mine
    assert "changed behind the cache's back" not in mine


def test_an_anonymous_thread_fragment_never_holds_a_csrf_token(post):
    html = thread_html(post)
    assert "csrfmiddlewaretoken" not in html


# Invalidation: publishing


def test_publishing_a_draft_shows_it_at_once_everywhere(client, author):
    draft = create_post(author=author, title="Hidden thoughts", body="Not yet.", status=Post.Status.DRAFT)
    assert "Hidden thoughts" not in get(client, "/", expect="miss")
    assert "Hidden thoughts" not in get(client, reverse("posts:blog", args=["karen"]))
    update_post(post=draft, status=Post.Status.PUBLISHED)
    assert "Hidden thoughts" in get(client, "/", expect="miss")
    assert "Hidden thoughts" in get(client, reverse("posts:blog", args=["karen"]), expect="miss")


def test_a_scheduled_post_appears_when_its_time_comes_without_any_write(client, author):
    create_post(
        author=author,
        title="Tomorrow's news",
        body="Soon.",
        status=Post.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert "Tomorrow&#x27;s news" not in get(client, "/", expect="miss")
    assert "Tomorrow&#x27;s news" not in get(client, "/", expect="hit")
    with freeze_time(timezone.now() + datetime.timedelta(minutes=6)):
        assert "Tomorrow&#x27;s news" in get(client, "/", expect="miss")


def test_publish_due_posts_shows_the_post(client, author, django_capture_on_commit_callbacks):
    post = create_post(
        author=author,
        title="Due now",
        body="Soon.",
        status=Post.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    get(client, "/", expect="miss")
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        publish_due_posts()
    assert "Due now" in get(client, "/", expect="miss")


def test_unpublishing_or_deleting_a_post_removes_it_at_once(client, post):
    url = post.get_absolute_url()
    assert "Spring at last" in get(client, url, expect="miss")
    assert "Spring at last" in get(client, "/", expect="miss")
    update_post(post=post, status=Post.Status.DRAFT)
    assert client.get(url).status_code == 410
    assert "Spring at last" not in get(client, "/", expect="miss")
    update_post(post=post, status=Post.Status.PUBLISHED)
    assert "Spring at last" in get(client, "/", expect="miss")
    delete_post(post=post)
    assert "Spring at last" not in get(client, "/", expect="miss")
    assert client.get(url).status_code == 410


# Invalidation: editing


def test_editing_a_post_shows_the_new_text_at_once(client, post):
    url = post.get_absolute_url()
    get(client, url, expect="miss")
    get(client, "/", expect="miss")
    get(client, comments_feed(post), expect="miss")
    get(client, url, expect="hit")
    update_post(post=post, title="Spring, finally", body="The buds are out and so are we.")
    assert "so are we" in get(client, url, expect="miss")
    assert "Spring, finally" in get(client, "/", expect="miss")
    assert "Spring, finally" in get(client, comments_feed(post), expect="miss")


def test_changing_a_posts_labels_shows_at_once(client, post):
    url = post.get_absolute_url()
    get(client, url, expect="miss")
    post.labels.add(LabelFactory(name="gardening"))
    get(client, url, expect="miss")


def test_renaming_a_label_moves_every_page_on(client, post):
    label = LabelFactory(name="gardening")
    post.labels.add(label)
    get(client, post.get_absolute_url(), expect="miss")
    get(client, "/", expect="miss")
    label.name = "allotment"
    label.save()
    get(client, post.get_absolute_url(), expect="miss")
    get(client, "/", expect="miss")


def test_editing_a_comment_shows_the_new_text_at_once(client, post, reader):
    comment = post_comment(post=post, author=reader, body="Lovely buds.")
    assert comment.status == Comment.Status.APPROVED
    assert "Lovely buds." in thread_html(post)
    assert "Lovely buds." in get(client, comments_feed(post), expect="miss")
    edit_comment(comment=comment, user=reader, body="Lovely buds, and a fine blackbird.")
    assert "fine blackbird" in thread_html(post)
    assert "fine blackbird" in get(client, comments_feed(post), expect="miss")


def test_a_blog_change_moves_the_blogs_pages_on(client, post, author):
    get(client, reverse("posts:blog", args=["karen"]), expect="miss")
    get(client, post.get_absolute_url(), expect="miss")
    blog = author.blog
    blog.title = "Larger victories"
    blog.save()
    get(client, reverse("posts:blog", args=["karen"]), expect="miss")
    get(client, post.get_absolute_url(), expect="miss")


def test_a_commenters_new_name_shows_on_every_thread_at_once(client, post, reader):
    CommentFactory(post=post, author=reader)
    assert ">sp<" in thread_html(post)
    get(client, comments_feed(post), expect="miss")
    reader.display_name = "Simon P."
    reader.save()
    assert "Simon P." in thread_html(post)
    assert "Simon P." in get(client, comments_feed(post), expect="miss")


def test_a_users_change_moves_on_their_blog_profile_and_threads_and_no_unrelated_blog(client, post, reader):
    """sp commented on Karen's post; Tomasz's blog, where sp wrote nothing, keeps its cached pages."""
    CommentFactory(post=post, author=reader)
    own = PostFactory(author=reader, title="My own notes")
    tomasz = UserFactory(username="tomasz", display_name="Tomasz")
    elsewhere = PostFactory(author=tomasz, title="Elsewhere")
    unrelated = [reverse("posts:blog", args=["tomasz"]), elsewhere.get_absolute_url()]
    related = [
        post.get_absolute_url(),
        comments_feed(post),
        own.get_absolute_url(),
        reverse("posts:blog", args=["sp"]),
        reverse("accounts:about", args=["sp"]),
        "/",
    ]
    for url in unrelated + related:
        get(client, url, expect="miss")
    reader.display_name = "Simon P."
    reader.save()
    for url in unrelated:
        get(client, url, expect="hit")
    for url in related:
        assert "Simon P." in get(client, url, expect="miss"), url


def test_a_change_to_an_account_that_commented_in_many_threads_moves_every_page_on(client, post, reader, monkeypatch):
    """Past the threshold one counter moves on (every page), not one for each thread."""
    monkeypatch.setattr(cache_signals, "MANY_THREADS", 1)
    elsewhere = PostFactory(author=UserFactory(username="tomasz"), title="Elsewhere")
    CommentFactory(post=post, author=reader)
    CommentFactory(post=elsewhere, author=reader)
    PostFactory(author=UserFactory(username="ana"), title="Nothing of sp's here")
    unrelated = reverse("posts:blog", args=["ana"])
    threads = [post.get_absolute_url(), elsewhere.get_absolute_url(), comments_feed(post)]
    for url in [unrelated, *threads]:
        get(client, url, expect="miss")
    reader.display_name = "Simon P."
    reader.save()
    get(client, unrelated, expect="miss")
    for url in threads:
        assert "Simon P." in get(client, url, expect="miss"), url


def test_a_new_username_leaves_nothing_cached_at_the_old_address(client, post, reader):
    PostFactory(author=reader, title="My own notes")
    old = reverse("posts:blog", args=["sp"])
    get(client, old, expect="miss")
    reader.username = "simon"
    reader.save()
    assert client.get(old).get(HEADER) != "hit"
    assert "My own notes" in get(client, reverse("posts:blog", args=["simon"]), expect="miss")


def test_signing_in_does_not_empty_the_cache(client, post, reader):
    get(client, "/", expect="miss")
    reader.last_login = timezone.now()
    reader.save(update_fields=["last_login"])
    get(client, "/", expect="hit")


def test_a_readers_own_settings_move_no_shared_page_on(client, post, reader):
    """How they hear of replies (an unsubscribe link), their language and time zone show on no shared page."""
    CommentFactory(post=post, author=reader)
    get(client, "/", expect="miss")
    get(client, post.get_absolute_url(), expect="miss")
    reader.notify_replies, reader.language, reader.time_zone = "off", "fr", "Europe/Paris"
    reader.save(update_fields=["notify_replies", "language", "time_zone"])
    get(client, "/", expect="hit")
    get(client, post.get_absolute_url(), expect="hit")


# Invalidation: moderation and new comments


def test_a_new_approved_comment_shows_at_once(client, post, reader):
    assert "No comments yet" in thread_html(post)
    get(client, comments_feed(post), expect="miss")
    post_comment(post=post, author=reader, body="What a spring it has been.")
    assert "What a spring it has been." in thread_html(post)
    assert "What a spring it has been." in get(client, comments_feed(post), expect="miss")


def test_a_held_comment_stays_hidden_until_approved_then_shows_at_once(client, post, author, reader):
    blog = author.blog
    blog.comment_policy = Blog.CommentPolicy.HOLD_ALL
    blog.save()
    comment = post_comment(post=post, author=reader, body="Waiting my turn.")
    assert comment.status == Comment.Status.PENDING
    assert "Waiting my turn." not in thread_html(post)
    assert "Waiting my turn." not in get(client, comments_feed(post), expect="miss")
    moderate_comments(comments=[comment], action=ModerationEvent.Action.APPROVE, moderator=author)
    assert "Waiting my turn." in thread_html(post)
    assert "Waiting my turn." in get(client, comments_feed(post), expect="miss")


@pytest.mark.parametrize("action", [ModerationEvent.Action.REMOVE, ModerationEvent.Action.SPAM])
def test_removing_a_comment_hides_it_at_once(client, post, author, reader, action):
    comment = CommentFactory(post=post, author=reader, body="Buy cheap pills.")
    assert "Buy cheap pills." in thread_html(post)
    assert "Buy cheap pills." in get(client, comments_feed(post), expect="miss")
    moderate_comments(comments=[comment], action=action, moderator=author)
    assert "Buy cheap pills." not in thread_html(post)
    assert "Buy cheap pills." not in get(client, comments_feed(post), expect="miss")


def test_a_commenter_deleting_their_comment_hides_it_at_once(client, post, reader):
    comment = CommentFactory(post=post, author=reader, body="Said too much.")
    assert "Said too much." in thread_html(post)
    delete_comment(comment=comment, user=reader)
    assert "Said too much." not in thread_html(post)


def test_banning_a_user_with_their_comments_hides_them_at_once(client, post, reader):
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    CommentFactory(post=post, author=reader, body="Troll remark.")
    assert "Troll remark." in thread_html(post)
    get(client, comments_feed(post), expect="miss")
    ban_user(user=reader, moderator=staff, remove_all_comments=True)
    assert "Troll remark." not in thread_html(post)
    assert "Troll remark." not in get(client, comments_feed(post), expect="miss")


def test_a_change_on_one_post_leaves_other_blogs_cached(client, post, reader):
    other = PostFactory(author=reader, title="Elsewhere")
    get(client, other.get_absolute_url(), expect="miss")
    CommentFactory(post=post)
    get(client, other.get_absolute_url(), expect="hit")


# The versions themselves


def test_versions_move_on_again_after_the_transaction_commits(post, django_capture_on_commit_callbacks):
    """A reader who saw the new version before the commit may have cached the old rows under it."""
    before = current(post_scope(post.pk))
    with django_capture_on_commit_callbacks() as callbacks:
        CommentFactory(post=post)
    during = current(post_scope(post.pk))
    assert during != before
    for callback in callbacks:
        callback()
    assert current(post_scope(post.pk)) != during


def test_a_lost_version_counter_never_comes_back_to_an_old_value(post):
    from django.core.cache import cache

    old = current(GLOBAL)[0]
    cache.delete(KEY_PREFIX + GLOBAL)
    assert current(GLOBAL)[0] > old


# The post page itself: whole page and thread fragment together


def test_the_post_page_shows_an_approved_comment_at_once(client, post, author, reader):
    blog = author.blog
    blog.comment_policy = Blog.CommentPolicy.HOLD_ALL
    blog.save()
    comment = post_comment(post=post, author=reader, body="Held on the post page.")
    url = post.get_absolute_url()
    assert "Held on the post page." not in get(client, url, expect="miss")
    assert "Held on the post page." not in get(client, url, expect="hit")
    moderate_comments(comments=[comment], action=ModerationEvent.Action.APPROVE, moderator=author)
    assert "Held on the post page." in get(client, url, expect="miss")


def test_the_post_pages_thread_comes_from_the_fragment_cache_when_only_the_page_moved_on(client, post, author):
    CommentFactory(post=post, body="Kept in the fragment.")
    url = post.get_absolute_url()
    get(client, url, expect="miss")
    Comment.objects.filter(post=post).update(body_html="<p>changed behind the cache's back</p>")
    # Another post of the blog changes: the page is rendered again, the thread is not.
    PostFactory(author=author, title="Another day")
    html = get(client, url, expect="miss")
    assert "Kept in the fragment." in html
    assert "changed behind the cache" not in html


def test_an_anonymous_post_page_carries_no_csrf_token_and_sets_no_cookie(client, post):
    response = client.get(post.get_absolute_url())
    assert b"csrfmiddlewaretoken" not in response.content
    assert not response.cookies
    assert response[HEADER] == "miss"


def test_a_signed_in_reader_gets_the_comment_form_and_their_own_pending_comment(client, post, author, reader):
    blog = author.blog
    blog.comment_policy = Blog.CommentPolicy.HOLD_ALL
    blog.save()
    get(client, post.get_absolute_url(), expect="miss")
    post_comment(post=post, author=reader, body="Mine, still waiting.")
    client.force_login(reader)
    response = client.get(post.get_absolute_url())
    assert HEADER not in response
    assert b"csrfmiddlewaretoken" in response.content
    assert b"Mine, still waiting." in response.content


@pytest.mark.parametrize(
    "name", ["posts:feed_atom", "posts:feed_rss", "posts:blog_feed_atom", "posts:blog_feed_rss", "posts:sitemap"]
)
def test_feeds_and_the_sitemap_are_cached_and_show_a_new_post_at_once(client, author, post, name):
    url = reverse(name, kwargs={"username": "karen"} if "blog" in name else {})
    assert "Second spring" not in get(client, url, expect="miss")
    get(client, url, expect="hit")
    new = create_post(author=author, title="Second spring", body="Again.", status=Post.Status.PUBLISHED)
    assert ("Second spring" if name != "posts:sitemap" else new.get_absolute_url()) in get(client, url, expect="miss")


def test_deleting_a_post_costs_the_same_queries_whatever_its_comments(author):
    """Its comments' delete signals leave the invalidation to the post's own: no look-up per comment."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (1, 20):
        doomed = PostFactory(author=author)
        CommentFactory.create_batch(n, post=doomed)
        with CaptureQueriesContext(connection) as queries:
            delete_post(post=doomed)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_profile_shows_its_owners_new_comment_on_someone_elses_post_at_once(client, post, reader):
    url = reverse("accounts:about", args=[reader.username])
    assert "A fresh remark." not in get(client, url, expect="miss")
    get(client, url, expect="hit")
    post_comment(post=post, author=reader, body="A fresh remark.")
    assert "A fresh remark." in get(client, url, expect="miss")


def _stored_pages() -> int:
    from django.core.cache import cache

    return sum(1 for key in cache._cache if "pagecache:page:" in key)


@pytest.mark.parametrize(
    ("padded", "canonical"),
    [
        ("/?page=000000001", "/?page=1"),
        ("/?page=0000000000000000000002", "/?page=2"),
        ("/@karen/?page=01", "/@karen/?page=1"),
        ("{post}?cstart=0007&clatest=0", "{post}?clatest=1&cstart=7"),
        ("{post}?comment=00012", "{post}?comment=12"),
    ],
)
def test_padded_parameters_lead_to_one_cached_page(client, post, padded, canonical):
    padded, canonical = (url.format(post=post.get_absolute_url()) for url in (padded, canonical))
    get(client, canonical, expect="miss")
    assert _stored_pages() == 1
    response = client.get(padded)
    assert response.status_code == 301
    assert response["Location"] == canonical
    get(client, response["Location"], expect="hit")
    assert _stored_pages() == 1


def test_padded_parameters_share_the_thread_fragment_of_signed_in_readers(client, post, reader):
    """Signed-in readers get the shared thread from the cache under the canonical query too."""
    from django.core.cache import cache

    client.force_login(reader)
    for query in ("?cstart=7", "?cstart=0007", "?cstart=000000007"):
        assert client.get(post.get_absolute_url() + query).status_code == 200
    assert sum(1 for key in cache._cache if "pagecache:shared-thread:" in key) == 1
