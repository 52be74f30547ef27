"""A blog's time zone: dates on its pages for visitors, the reader's own zone when they chose one, stable
addresses whatever the zone, and scheduled posts read in the writer's zone."""

from datetime import UTC, datetime

import pytest

from comments.tests.factories import CommentFactory
from posts.models import Blog, Post
from posts.tests.factories import BlogFactory, PostFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC on 31 March 2026: already 1 April in Tokyo (UTC+9), still 31 March in UTC and New York.
LATE = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def tokyo_blog(user):
    return BlogFactory(owner=user, time_zone="Asia/Tokyo")


@pytest.fixture
def late_post(user, tokyo_blog):
    post = PostFactory(author=user, published_at=LATE)
    comment = CommentFactory(post=post)
    type(comment).objects.filter(pk=comment.pk).update(created_at=LATE)
    return post


def test_visitors_see_a_blogs_dates_in_the_blogs_zone(client, late_post):
    html = client.get(late_post.get_absolute_url()).content.decode()

    assert "1 April 2026, 08:30" in html  # the comment
    assert ">1 April 2026</time>" in html  # the post
    assert "23:30" not in html


def test_the_front_page_keeps_the_sites_zone_for_visitors(client, late_post):
    html = client.get("/").content.decode()

    assert ">31 March 2026</time>" in html


def test_a_signed_in_reader_sees_their_own_zone(client, other_user, late_post):
    other_user.time_zone = "America/New_York"
    other_user.save()
    client.force_login(other_user)

    html = client.get(late_post.get_absolute_url()).content.decode()

    assert "31 March 2026, 19:30" in html
    assert "08:30" not in html


def test_a_signed_in_reader_without_a_zone_sees_the_blogs(client, other_user, late_post):
    client.force_login(other_user)

    html = client.get(late_post.get_absolute_url()).content.decode()

    assert "1 April 2026, 08:30" in html


@pytest.mark.parametrize("page", ["blog", "archive"])
def test_a_blogs_list_pages_date_posts_in_its_zone(client, user, late_post, page):
    url = f"/@{user.username}/" if page == "blog" else f"/@{user.username}/2026/03/"

    html = client.get(url).content.decode()

    assert "Wednesday, 1 April 2026" in html


def test_a_cached_visitors_page_follows_a_change_of_the_blogs_zone(client, user, late_post, settings):
    settings.PAGE_CACHE_SECONDS = 600
    assert "1 April 2026, 08:30" in client.get(late_post.get_absolute_url()).content.decode()
    assert client.get(late_post.get_absolute_url())["X-Page-Cache"] == "hit"
    client.force_login(user)
    blog = Blog.objects.get(owner=user)
    client.post(
        "/dashboard/blog/",
        {"title": blog.title, "comment_policy": blog.comment_policy, "language": "en", "time_zone": "UTC"},
    )
    client.logout()

    response = client.get(late_post.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "31 March 2026, 23:30" in response.content.decode()


def test_the_page_cache_keeps_the_blogs_zone_apart_from_a_readers(client, other_user, late_post, settings):
    """A member's page in their zone never lands in the visitors' copy, nor the other way round."""
    settings.PAGE_CACHE_SECONDS = 600
    other_user.time_zone = "America/New_York"
    other_user.save()
    client.force_login(other_user)
    assert "19:30" in client.get(late_post.get_absolute_url()).content.decode()
    client.logout()

    html = client.get(late_post.get_absolute_url()).content.decode()

    assert "1 April 2026, 08:30" in html and "19:30" not in html


@pytest.mark.parametrize("zone", ["", "Asia/Tokyo", "Pacific/Kiritimati"])
def test_a_posts_address_is_dated_in_the_sites_zone_whatever_the_readers(client, other_user, late_post, zone):
    other_user.time_zone = zone
    other_user.save()
    client.force_login(other_user)

    assert late_post.get_absolute_url().startswith(f"/@{late_post.author.username}/2026/03/")
    assert client.get(late_post.get_absolute_url()).status_code == 200
    archive = client.get(f"/@{late_post.author.username}/2026/03/").content.decode()
    assert late_post.title in archive
    response = client.post(f"{late_post.get_absolute_url()}comments/", {"body": "Kind words", "parent": ""})
    assert response.status_code in (200, 302)
    assert late_post.comments.filter(body="Kind words").exists()


def test_a_stored_zone_that_no_longer_exists_falls_back_to_the_sites(client, user, late_post):
    Blog.objects.filter(owner=user).update(time_zone="Atlantis/Lost")

    response = client.get(late_post.get_absolute_url())

    assert response.status_code == 200
    assert "31 March 2026, 23:30" in response.content.decode()


def schedule(client, publish_at):
    return client.post("/write/", {"title": "Later", "body": "Soon.", "status": "scheduled", "publish_at": publish_at})


def test_a_scheduled_time_is_read_in_the_writers_own_zone(client, user):
    user.time_zone = "Europe/Paris"
    user.save()
    BlogFactory(owner=user, time_zone="Asia/Tokyo")
    client.force_login(user)

    schedule(client, "2030-01-31T09:30")

    assert Post.objects.get(title="Later").published_at == datetime(2030, 1, 31, 8, 30, tzinfo=UTC)


def test_a_writer_without_a_zone_schedules_in_their_blogs(client, user, tokyo_blog):
    client.force_login(user)

    schedule(client, "2030-01-31T09:30")

    assert Post.objects.get(title="Later").published_at == datetime(2030, 1, 31, 0, 30, tzinfo=UTC)


def test_the_post_form_says_which_zone_it_reads_times_in(client, user, tokyo_blog):
    client.force_login(user)

    html = client.get("/write/").content.decode()

    assert "in your time zone, Asia/Tokyo." in html


def test_a_scheduled_post_is_shown_back_to_its_writer_in_the_same_zone(client, user, tokyo_blog):
    client.force_login(user)
    schedule(client, "2030-01-31T09:30")
    post = Post.objects.get(title="Later")

    form = client.get(post.get_edit_url()).content.decode()

    assert 'value="2030-01-31T09:30"' in form
