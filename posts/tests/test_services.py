import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from posts.models import Blog, Label, Post
from posts.services import create_post, delete_post, parse_labels, publish_due_posts, update_post
from posts.signals import post_published

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def _write(author, **kwargs):
    defaults = {"title": "Hello", "body": "Some *text*.", "labels": "", "status": "draft"}
    return create_post(author=author, **{**defaults, **kwargs})


def test_creating_a_post_makes_the_blog_renders_and_counts(user):
    post = _write(user, body="Hello **there** <script>x()</script>")
    assert Blog.objects.filter(owner=user).exists()
    assert "<strong>there</strong>" in post.body_html
    assert "<script" not in post.body_html
    assert post.word_count == 3


def test_slugs_follow_the_title_and_collide_with_a_suffix_per_author(user, other_user):
    assert _write(user, title="Hello World").slug == "hello-world"
    assert _write(user, title="Hello, world!").slug == "hello-world-2"
    assert _write(user, title="hello world").slug == "hello-world-3"
    assert _write(other_user, title="Hello World").slug == "hello-world"


def test_unicode_titles_slug_sensibly_and_symbol_titles_fall_back(user):
    assert _write(user, title="Ünïcode Grüße").slug == "ünïcode-grüße"
    assert _write(user, title="日本語のタイトル").slug == "日本語のタイトル"
    assert _write(user, title="!!!").slug == "post"


def test_draft_slug_follows_title_until_first_publication_then_stays(user):
    post = _write(user, title="First try")
    post = update_post(post=post, title="Better title")
    assert post.slug == "better-title"
    post = update_post(post=post, status="published")
    assert post.published_at is not None
    published_at = post.published_at
    post = update_post(post=post, title="Renamed after publication")
    assert post.slug == "better-title"
    assert post.published_at == published_at


def test_unpublishing_keeps_the_first_publication_time_and_slug(user):
    post = _write(user, status="published")
    first = post.published_at
    post = update_post(post=post, status="draft", title="Other")
    assert post.status == "draft" and post.published_at == first and post.slug == "hello"
    post = update_post(post=post, status="published")
    assert post.published_at == first


def test_a_scheduled_post_gets_its_publication_time_and_is_hidden_until_then(user):
    when = timezone.now() + datetime.timedelta(hours=2)
    post = _write(user, status="scheduled", publish_at=when)
    assert post.published_at == when
    assert not Post.objects.published().filter(pk=post.pk).exists()
    post.published_at = timezone.now() - datetime.timedelta(seconds=1)
    post.save()
    assert Post.objects.published().filter(pk=post.pk).exists()


def test_scheduling_needs_a_time(user):
    with pytest.raises(ValidationError) as excinfo:
        _write(user, status="scheduled")
    assert "publish_at" in excinfo.value.message_dict


def test_a_published_post_cannot_be_scheduled_again(user):
    post = _write(user, status="published")
    with pytest.raises(ValidationError):
        update_post(post=post, status="scheduled", publish_at=timezone.now() + datetime.timedelta(days=1))


def test_unscheduling_clears_the_publication_time(user):
    post = _write(user, status="scheduled", publish_at=timezone.now() + datetime.timedelta(days=1))
    post = update_post(post=post, status="draft")
    assert post.published_at is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "x" * 1_000_000}, "body"),
        ({"status": "bogus"}, "status"),
    ],
)
def test_invalid_content_is_refused_with_a_message(user, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        _write(user, **kwargs)
    assert field in excinfo.value.message_dict
    assert not Post.objects.exists()


def test_labels_are_parsed_deduplicated_and_stored_as_rows(user):
    post = _write(user, labels=" Django, python ,django,, Ünïcode ,  日本 ")
    assert sorted(label.slug for label in post.labels.all()) == sorted(["django", "python", "ünïcode", "日本"])
    assert Label.objects.get(slug="django").name == "Django"
    other = _write(user, labels="DJANGO")
    assert list(other.labels.all()) == [Label.objects.get(slug="django")]


def test_symbol_only_labels_get_a_stable_slug(user):
    post = _write(user, labels="+++, C++")
    slugs = {label.slug for label in post.labels.all()}
    assert len(slugs) == 2
    assert "c" in slugs
    assert all(slugs)


def test_too_many_or_too_long_labels_are_refused():
    with pytest.raises(ValidationError, match="at most 20 labels"):
        parse_labels(",".join(f"l{n}" for n in range(21)))
    with pytest.raises(ValidationError, match="too long"):
        parse_labels("x" * 61)


def test_publishing_announces_once_after_commit(user, django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, post, **kwargs):
        seen.append(post.pk)

    post_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post = _write(user, status="published")
            update_post(post=post, title="Changed")
        assert seen == [post.pk]
    finally:
        post_published.disconnect(receiver)


def test_publish_due_posts_switches_due_scheduled_posts_once(user, django_capture_on_commit_callbacks):
    due = PostFactory(author=user, status="scheduled", published_at=timezone.now() - datetime.timedelta(minutes=1))
    later = PostFactory(author=user, status="scheduled", published_at=timezone.now() + datetime.timedelta(hours=1))
    seen = []

    def receiver(sender, post, **kwargs):
        seen.append(post.pk)

    post_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert [p.pk for p in publish_due_posts()] == [due.pk]
            assert publish_due_posts() == []
    finally:
        post_published.disconnect(receiver)
    assert seen == [due.pk]
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == "published"
    assert later.status == "scheduled"


def test_deleting_a_post_removes_it(user):
    post = _write(user)
    delete_post(post=post)
    assert not Post.objects.exists()


def test_the_services_refuse_someone_who_may_not_write_or_change_the_post(user, other_user, unverified_user):
    """They check the person they act for themselves, whatever the view asked."""
    post = _write(user)
    with pytest.raises(PermissionDenied):
        create_post(author=unverified_user, editor=unverified_user, title="Mine", body="Words.")
    with pytest.raises(PermissionDenied):
        update_post(post=post, editor=other_user, title="Taken over")
    with pytest.raises(PermissionDenied):
        delete_post(post=post, user=other_user)
    post.refresh_from_db()
    assert post.title == "Hello"
    assert not Post.objects.filter(author=unverified_user).exists()


def test_the_author_and_a_superuser_change_and_delete_through_the_services(user, admin_user):
    post = _write(user)
    assert update_post(post=post, editor=user, title="Mine still").title == "Mine still"
    assert update_post(post=post, editor=admin_user, title="Moderated").title == "Moderated"
    delete_post(post=post, user=admin_user)
    assert not Post.objects.filter(pk=post.pk).exists()


@pytest.mark.parametrize("n_labels", [1, 5])
def test_an_imported_post_keeps_its_dates_and_costs_the_same_queries_whatever_its_labels(
    user, n_labels, django_assert_num_queries
):
    """A draft keeping the first publication it had elsewhere, sanitized, slugged and labelled like a post
    written here; nothing is announced until the import gives it its status."""
    from posts.services import IMPORTED_SLUG_MAX_LENGTH, import_post

    heard = []
    post_published.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="test.import_post")
    labels = [Label.objects.create(name=f"L{n}", slug=f"l{n}") for n in range(n_labels)]
    then = timezone.now() - datetime.timedelta(days=3000)
    long_slug = "a" * 150 + "-b"
    PostFactory(author=user, slug=long_slug)
    try:
        with django_assert_num_queries(IMPORT_POST_QUERIES):
            post = import_post(
                author=user,
                search_config="simple",
                title="An old\nstory",
                body="<p>Hi<script>x()</script></p>",
                body_format=Post.BodyFormat.HTML,
                slug=long_slug,
                published_at=then,
                created_at=then,
                labels=labels,
            )
    finally:
        post_published.disconnect(dispatch_uid="test.import_post")
    post.refresh_from_db()
    assert (post.status, post.published_at, post.created_at) == (Post.Status.DRAFT, then, then)
    assert post.title == "An old story"
    assert post.slug == long_slug + "-2" and len(long_slug) < IMPORTED_SLUG_MAX_LENGTH
    assert "script" not in post.body_html
    assert post.labels.count() == n_labels
    assert heard == []


# The slug, the insert in two savepoints (the service's and the free slug's), the date, two for the labels, and
# the author's name, asked by the page cache's listeners to the save and to the labels.
IMPORT_POST_QUERIES = 11
