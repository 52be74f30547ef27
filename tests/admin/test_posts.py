"""Posts in the admin: filters, publish and unpublish recorded, comments inline, and read-only for moderators."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.tests.factories import HeldCommentFactory
from moderation.models import ModerationEvent
from posts.models import Post
from posts.tests.factories import PostFactory

from .helpers import csrf_token, messages_of, run_action

pytestmark = pytest.mark.django_db

POSTS = reverse("admin:posts_post_changelist")


def change_url(post):
    return reverse("admin:posts_post_change", args=[post.pk])


def test_posts_filter_by_status_and_author(browser, superuser):
    karen = UserFactory(username="karen")
    published = PostFactory(author=karen)
    draft = PostFactory(author=karen, status=Post.Status.DRAFT, published_at=None)
    PostFactory()
    client = browser(superuser)
    by_status = client.get(POSTS, {"status__exact": "draft"}).context["cl"].result_list
    assert list(by_status) == [draft]
    by_author = client.get(POSTS, {"author__id__exact": karen.pk}).context["cl"].result_list
    assert set(by_author) == {published, draft}


def test_publish_action_publishes_drafts_and_records_it(browser, superuser):
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    already = PostFactory()
    response = run_action(browser(superuser), POSTS, "publish", [draft, already])
    assert "1 post published." in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    assert draft.published_at is not None
    event = ModerationEvent.objects.get()
    assert (event.action, event.post, event.moderator, event.target_user) == (
        ModerationEvent.Action.PUBLISH,
        draft,
        superuser,
        draft.author,
    )


def test_unpublish_then_publish_keeps_the_permalink(browser, superuser, client):
    """Unpublishing hides the post from readers (410 Gone; staff, who may edit it, still see it) until it is back."""
    post = PostFactory(published_at=timezone.now() - timedelta(days=40))
    permalink = post.get_absolute_url()
    staff_client = browser(superuser)
    response = run_action(staff_client, POSTS, "unpublish", [post])
    assert "1 post unpublished." in messages_of(response)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert client.get(permalink).status_code == 410
    run_action(staff_client, POSTS, "publish", [post])
    post.refresh_from_db()
    assert post.get_absolute_url() == permalink
    assert client.get(permalink).status_code == 200
    assert list(ModerationEvent.objects.order_by("pk").values_list("action", flat=True)) == ["unpublish", "publish"]


def test_moderator_sees_posts_read_only(browser, moderator):
    post = PostFactory(title="Original title")
    client = browser(moderator)
    assert client.get(POSTS).status_code == 200
    page = client.get(change_url(post))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="title"' not in page.content.decode()
    response = client.post(
        change_url(post), {"csrfmiddlewaretoken": csrf_token(page), "title": "Defaced", "body": "Defaced"}
    )
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "Original title"


def test_moderator_may_not_publish_unpublish_add_or_delete_posts(browser, moderator):
    post = PostFactory()
    client = browser(moderator)
    page = client.get(POSTS)
    action_form = page.context["action_form"]
    assert action_form is None or not {"publish", "unpublish", "delete_selected"} & set(
        dict(action_form.fields["action"].choices)
    )
    run_action(client, POSTS, "unpublish", [post])
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert client.get(reverse("admin:posts_post_add")).status_code == 403
    assert client.get(reverse("admin:posts_post_delete", args=[post.pk])).status_code == 403
    assert not ModerationEvent.objects.exists()


def test_post_page_shows_only_the_newest_comments_and_links_to_all(browser, superuser):
    post = PostFactory()
    oldest = HeldCommentFactory(post=post, body="the very first word")
    HeldCommentFactory.create_batch(24, post=post)
    newest = HeldCommentFactory(post=post, body="the latest word")
    html = browser(superuser).get(change_url(post)).content.decode()
    assert "the latest word" in html
    assert "the very first word" not in html
    assert f"post__id__exact={post.pk}" in html
    assert "26 comments, 26 awaiting moderation" in html
    assert reverse("admin:comments_comment_change", args=[newest.pk]) in html
    assert reverse("admin:comments_comment_change", args=[oldest.pk]) not in html


def test_saving_a_post_with_many_comments_keeps_them(browser, superuser):
    post = PostFactory(title="Before")
    HeldCommentFactory.create_batch(25, post=post)
    client = browser(superuser)
    page = client.get(change_url(post))
    form = page.context["adminform"].form
    formset = page.context["inline_admin_formsets"][0].formset
    data = {
        "csrfmiddlewaretoken": csrf_token(page),
        "author": post.author_id,
        "title": "After",
        "slug": post.slug,
        "body": post.body,
        "comments_enabled": "on",
        **{f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()},
    }
    for i, inline_form in enumerate(formset.forms):
        data[f"{formset.prefix}-{i}-id"] = inline_form.instance.pk
        data[f"{formset.prefix}-{i}-post"] = post.pk
    assert form.instance == post
    response = client.post(change_url(post), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    post.refresh_from_db()
    assert post.title == "After"
    assert post.comments.count() == 25


def test_search_finds_posts_by_title_and_author(browser, superuser):
    wanted = PostFactory(title="Tomatoes in winter", author=UserFactory(username="gardener"))
    PostFactory(title="Something else")
    client = browser(superuser)
    assert list(client.get(POSTS, {"q": "tomatoes"}).context["cl"].result_list) == [wanted]
    assert list(client.get(POSTS, {"q": "gardener"}).context["cl"].result_list) == [wanted]
