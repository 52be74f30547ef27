import datetime
import io
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.policy import can_edit_post
from accounts.tests.images import image_bytes, upload
from posts.models import Blog, Post
from posts.services import create_post

from .factories import DraftFactory, LabelFactory, PostFactory

pytestmark = pytest.mark.django_db


def _cover(size=(40, 30)):
    return upload(image_bytes("PNG", size=size), "cover.png", "image/png")


def _form(**overrides):
    data = {"title": "My title", "body": "Hello *world*.", "labels": "one, two", "status": "published"}
    return {**data, **overrides}


# Reading


def test_front_page_lists_public_posts_newest_first_with_author_and_counts(client, user, other_user):
    older = PostFactory(author=user, title="Older", published_at=timezone.now() - datetime.timedelta(days=3))
    newer = PostFactory(author=other_user, title="Newer", labels=[LabelFactory(name="Travel")])
    DraftFactory(author=user, title="Secret draft")
    PostFactory(author=user, title="Future", status="scheduled", published_at=timezone.now() + datetime.timedelta(1))
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index(newer.title) < content.index(older.title)
    assert "Secret draft" not in content and "Future" not in content
    assert "Travel" in content and "0 comments" in content and other_user.name in content


def test_a_deactivated_authors_posts_leave_the_site_with_their_blog_and_come_back_with_it(client, user, other_user):
    post = PostFactory(author=other_user, title="Gone for now")
    other_user.is_active = False
    other_user.save()
    for url in ("/", "/feed/", "/sitemap.xml", "/search/?q=gone"):
        assert "Gone for now" not in client.get(url).content.decode(), url
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(f"/@{other_user.username}/").status_code == 404

    other_user.is_active = True
    other_user.save()
    assert "Gone for now" in client.get("/").content.decode()
    assert client.get(post.get_absolute_url()).status_code == 200


def test_front_page_paginates(client, user):
    PostFactory.create_batch(12, author=user)
    assert client.get("/").context["page_obj"].paginator.num_pages == 2
    assert client.get("/?page=2").status_code == 200
    assert client.get("/?page=banana").status_code == 200


def test_blog_home_groups_posts_under_dates_with_archive_and_labels(client, user):
    blog = Blog.objects.create(owner=user, title="Karen notes", description="Small things")
    label = LabelFactory(name="Cats")
    PostFactory(author=user, title="One", labels=[label], published_at=timezone.now() - datetime.timedelta(days=40))
    PostFactory(author=user, title="Two", labels=[label])
    response = client.get(f"/@{user.username}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert blog.title in content and blog.description in content
    assert content.count('class="date-heading') == 2
    assert 'Cats</a> <span class="text-body-secondary">(2)' in content
    assert sum(year["count"] for year in response.context["archive"]) == 2
    assert 'class="col-lg-4 blog-sidebar"' in content


def test_usernames_in_urls_match_any_case_and_redirect_to_the_canonical_one(client, user, post):
    response = client.get("/@KAREN/?page=1")
    assert response.status_code == 301
    assert response["Location"] == "/@karen/?page=1"
    url = post.get_absolute_url().replace("/@karen/", "/@Karen/")
    assert client.get(url)["Location"] == post.get_absolute_url()
    assert client.get("/@Karen/feed/")["Location"] == "/@karen/feed/"


def test_unknown_blogs_and_bad_archives_are_404(client, user):
    assert client.get("/@nobody/").status_code == 404
    assert client.get(f"/@{user.username}/2026/13/").status_code == 404
    assert client.get(f"/@{user.username}/0/").status_code == 404
    assert client.get(f"/@{user.username}/label/nope/").status_code == 404


def test_archives_show_only_that_period(client, user):
    PostFactory(author=user, title="In March", published_at=datetime.datetime(2025, 3, 5, 12, tzinfo=datetime.UTC))
    PostFactory(author=user, title="In May", published_at=datetime.datetime(2025, 5, 5, 12, tzinfo=datetime.UTC))
    PostFactory(author=user, title="Last year", published_at=datetime.datetime(2024, 5, 5, 12, tzinfo=datetime.UTC))
    year = client.get(f"/@{user.username}/2025/").content.decode()
    assert "In March" in year and "In May" in year and "Last year" not in year
    month = client.get(f"/@{user.username}/2025/03/").content.decode()
    assert "In March" in month and "In May" not in month


def test_label_page_lists_that_blogs_posts_with_the_label(client, user, other_user):
    label = LabelFactory(name="日本")
    PostFactory(author=user, title="Mine labelled", labels=[label])
    PostFactory(author=user, title="Mine unlabelled")
    PostFactory(author=other_user, title="Theirs labelled", labels=[label])
    content = client.get(reverse("posts:label", kwargs={"username": user.username, "label": label.slug})).content
    content = content.decode()
    assert "Mine labelled" in content
    assert "Mine unlabelled" not in content and "Theirs labelled" not in content


def test_permalink_page_shows_the_post_neighbours_and_meta(client, user):
    first = PostFactory(author=user, title="First", published_at=timezone.now() - datetime.timedelta(days=3))
    middle = PostFactory(
        author=user,
        title="Middle",
        body="Body with <b>html</b>",
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    last = PostFactory(author=user, title="Last", published_at=timezone.now() - datetime.timedelta(days=1))
    response = client.get(middle.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["previous_post"] == first
    assert response.context["next_post"] == last
    assert f'<link rel="canonical" href="http://testserver{middle.get_absolute_url()}">' in content
    assert f'href="{middle.get_absolute_url()}comments/feed/"' in content
    assert 'href="/@karen/feed/"' in content
    assert '<meta property="og:title" content="Middle">' in content
    assert 'id="comments"' in content


def test_a_permalink_with_the_wrong_month_redirects_to_the_right_one(client, post):
    kwargs = post.permalink_kwargs()
    wrong = reverse("posts:detail", kwargs={**kwargs, "year": 1999})
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


@pytest.mark.parametrize("who", ["anonymous", "other"])
def test_someone_elses_draft_is_404_by_permalink_and_edit_url(client, user, other_user, who):
    draft = DraftFactory(author=user)
    scheduled = PostFactory(author=user, status="scheduled", published_at=timezone.now() + datetime.timedelta(1))
    if who == "other":
        client.force_login(other_user)
    for post in (draft, scheduled):
        assert client.get(post.get_absolute_url()).status_code == 404
        assert client.get(post.get_edit_url()).status_code in (302, 404)
        if who == "other":
            assert client.get(post.get_edit_url()).status_code == 404
            assert client.post(post.get_delete_url()).status_code == 404
    assert Post.objects.count() == 2


def test_the_author_and_superusers_preview_a_draft(client, user, admin_user):
    draft = DraftFactory(author=user, title="Work in progress")
    for viewer in (user, admin_user):
        client.force_login(viewer)
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "only you can see it" in response.content.decode()
        assert '<meta name="robots" content="noindex">' in response.content.decode()


# Writing


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ("/write/", "/dashboard/", "/dashboard/blog/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert client.post("/write/", _form()).status_code == 302
    assert not Post.objects.exists()


def test_unverified_users_are_told_why_they_cannot_write_and_how_to_verify(client, unverified_user):
    client.force_login(unverified_user)
    response = client.post("/write/", _form())
    assert response.status_code == 403
    assert reverse("account_email") in response.content.decode()
    assert not Post.objects.exists()


def test_with_open_authoring_off_only_bloggers_and_staff_may_write(client, settings, user, staff_user):
    settings.OPEN_AUTHORING = False
    client.force_login(user)
    response = client.get("/write/")
    assert response.status_code == 403
    assert "Bloggers" in response.content.decode()
    user.groups.add(Group.objects.get_or_create(name="Bloggers")[0])
    assert client.get("/write/").status_code == 200
    client.force_login(staff_user)
    assert client.post("/write/", _form()).status_code == 302


def test_writing_a_post_publishes_it_with_labels(client, user):
    client.force_login(user)
    response = client.post("/write/", _form(title="Grüße aus Köln", labels="Reise, köln"))
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert post.slug == "grüße-aus-köln"
    assert post.is_public
    assert sorted(label.name for label in post.labels.all()) == ["Reise", "köln"]
    assert client.get(response["Location"]).status_code == 200


def test_a_scheduled_post_takes_an_iso_time(client, user):
    client.force_login(user)
    when = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    client.post("/write/", _form(status="scheduled", publish_at=when.isoformat()))
    post = Post.objects.get()
    assert post.status == "scheduled" and post.published_at == when and not post.is_public


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "x" * 1_000_000}, "body"),
        ({"status": "scheduled", "publish_at": "2001-01-01T10:00"}, "publish_at"),
        ({"status": "scheduled", "publish_at": "not a date"}, "publish_at"),
        ({"status": "scheduled"}, "publish_at"),
        ({"status": "bogus"}, "status"),
        ({"labels": "x" * 61}, "labels"),
        ({"labels": ",".join(str(n) for n in range(30))}, "labels"),
        ({"body": "nul \x00 here"}, "body"),
    ],
)
def test_bad_input_is_a_form_error_that_keeps_the_text(client, user, overrides, field):
    client.force_login(user)
    data = _form(body="My precious words", **overrides) if "body" not in overrides else _form(**overrides)
    response = client.post("/write/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Post.objects.exists()
    if "body" not in overrides:
        assert "My precious words" in response.content.decode()


def test_a_non_image_cover_is_a_form_error(client, user):
    client.force_login(user)
    fake = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    fake.name = "cover.png"
    response = client.post("/write/", _form(cover=fake))
    assert response.status_code == 200
    assert "cover" in response.context["form"].errors
    assert not Post.objects.exists()


def test_a_cover_is_reencoded_and_shown_on_the_page(client, user):
    client.force_login(user)
    client.post("/write/", _form(cover=_cover()))
    post = Post.objects.get()
    assert post.cover.name.endswith(".jpg")
    content = client.get(post.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{post.cover.url}">' in content


def test_a_refused_edit_keeps_the_cover_and_shows_the_post_as_it_is(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    client.post("/write/", _form(cover=_cover()))
    post = Post.objects.get()
    old_cover = post.cover.name
    with django_capture_on_commit_callbacks(execute=True):
        # A published post can't go back to being scheduled: the service refuses after the form accepted.
        response = client.post(
            post.get_edit_url(),
            _form(title="Changed", status="scheduled", publish_at="2099-01-01T10:00", cover=_cover((50, 50))),
        )
    assert response.status_code == 200
    assert response.context["form"].errors
    post.refresh_from_db()
    assert (post.title, post.cover.name) == ("My title", old_cover)
    assert post.cover.storage.exists(old_cover)
    assert response.context["post"].title == "My title"


def test_a_new_cover_replaces_the_old_file(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    client.post("/write/", _form(cover=_cover()))
    post = Post.objects.get()
    old_cover = post.cover.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post.get_edit_url(), _form(cover=_cover((50, 50))))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.cover.name != old_cover and post.cover.storage.exists(post.cover.name)
    assert not post.cover.storage.exists(old_cover)


def test_the_author_edits_a_post_and_the_slug_stays_after_publication(client, user, post):
    client.force_login(user)
    old_url = post.get_absolute_url()
    response = client.post(post.get_edit_url(), _form(title="A new title", status="published"))
    post.refresh_from_db()
    assert response.status_code == 302
    assert post.title == "A new title"
    assert post.get_absolute_url() == old_url


def test_the_edit_form_starts_with_the_posts_content(client, user):
    post = create_post(author=user, title="T", body="Words", labels="a, b", status="draft")
    client.force_login(user)
    form = client.get(post.get_edit_url()).context["form"]
    assert form.initial["body"] == "Words" and form.initial["labels"] == "a, b"


def test_other_users_may_not_edit_or_delete_a_public_post(client, other_user, post):
    client.force_login(other_user)
    assert client.get(post.get_edit_url()).status_code == 403
    assert client.post(post.get_edit_url(), _form(title="Hacked")).status_code == 403
    assert client.post(post.get_delete_url()).status_code == 403
    post.refresh_from_db()
    assert post.title == "A first post"


def test_superusers_may_edit_someone_elses_post(client, admin_user, post):
    client.force_login(admin_user)
    client.post(post.get_edit_url(), _form(title="Moderated title"))
    post.refresh_from_db()
    assert post.title == "Moderated title"
    assert post.author.username == "karen"


def test_only_a_staff_account_holding_the_permission_may_edit_someone_elses_post(other_user, staff_user, post):
    """The permission to change any post counts only with staff status (the admin's rule): so a reader's post
    page never asks a reader's permissions."""
    change = Permission.objects.get(content_type__app_label="posts", codename="change_post")
    other_user.user_permissions.add(change)
    assert not can_edit_post(other_user, post)
    assert not can_edit_post(staff_user, post)
    staff_user.user_permissions.add(change)
    staff_user = type(staff_user).objects.get(pk=staff_user.pk)  # permissions are cached on the instance
    assert can_edit_post(staff_user, post)
    assert can_edit_post(post.author, post)


def test_deleting_needs_a_confirmation_and_a_post(client, user, post):
    client.force_login(user)
    response = client.get(post.get_delete_url())
    assert response.status_code == 200
    assert Post.objects.filter(pk=post.pk).exists()
    response = client.post(post.get_delete_url())
    assert response["Location"] == reverse("posts:dashboard")
    assert not Post.objects.filter(pk=post.pk).exists()


def test_superusers_may_delete_any_post(client, admin_user, post):
    client.force_login(admin_user)
    client.post(post.get_delete_url())
    assert not Post.objects.filter(pk=post.pk).exists()


def test_dashboard_lists_own_drafts_scheduled_and_published_posts_only(client, user, other_user):
    DraftFactory(author=user, title="My draft")
    PostFactory(
        author=user, title="My scheduled", status="scheduled", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    PostFactory(author=user, title="My published")
    DraftFactory(author=other_user, title="Their draft")
    client.force_login(user)
    content = client.get("/dashboard/").content.decode()
    assert "My draft" in content and "My scheduled" in content and "My published" in content
    assert "Their draft" not in content


def test_a_blogger_changes_their_blogs_title_and_comment_policy(client, user):
    client.force_login(user)
    response = client.post("/dashboard/blog/", {"title": "New name", "description": "d", "comment_policy": "open"})
    assert response.status_code == 302
    blog = Blog.objects.get(owner=user)
    assert (blog.title, blog.comment_policy) == ("New name", "open")
    response = client.post("/dashboard/blog/", {"title": "x", "comment_policy": "anything"})
    assert response.status_code == 200 and "comment_policy" in response.context["form"].errors


def test_write_refuses_other_methods(client, user):
    client.force_login(user)
    response = client.put("/write/", urlencode(_form()), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405
    assert not Post.objects.exists()
