"""The HTTP caching headers a proxy or a CDN in front of the site reads, and conditional GETs."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from accounts.tests.factories import UserFactory
from pagecache.middleware import HEADER
from posts.models import Blog
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caching(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.SHARED_CACHE_SECONDS = 120
    settings.STALE_WHILE_REVALIDATE_SECONDS = 900


@pytest.fixture
def post(db):
    owner = UserFactory(username="karen", display_name="Karen")
    Blog.objects.create(owner=owner, title="Small victories")
    return PostFactory(author=owner, title="Spring at last")


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def anonymous_pages(post) -> list[str]:
    return [
        "/",
        post.get_absolute_url(),
        reverse("posts:blog", args=["karen"]),
        reverse("posts:blog_feed_atom", args=["karen"]),
        reverse("posts:feed_rss"),
        reverse("comments:feed", kwargs=post.permalink_kwargs()),
        reverse("accounts:about", args=["karen"]),
    ]


def test_anonymous_pages_may_be_kept_by_shared_caches_and_served_stale_while_revalidating(client, post):
    for url in anonymous_pages(post):
        for expect in ("miss", "hit"):
            response = client.get(url)
            assert response[HEADER] == expect, url
            assert {"public", "s-maxage=120", "stale-while-revalidate=900", "max-age=0"} <= directives(response), url
            assert "cookie" in vary(response), url
            assert response["ETag"], url


def test_a_page_a_signed_in_reader_sees_is_never_public(client, post):
    client.force_login(UserFactory())
    for url in [*anonymous_pages(post), "/dashboard/", "/search/?q=spring"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" not in directives(response), url
        assert {"private", "no-cache"} <= directives(response), url
        assert "s-maxage" not in response.get("Cache-Control", ""), url
        assert "cookie" in vary(response), url


def test_an_anonymous_reader_with_a_message_waiting_gets_a_private_page(client, post):
    client.cookies["messages"] = "something"
    response = client.get("/")
    assert "private" in directives(response)


def test_pages_that_shared_caches_must_not_keep_are_not_public(client, post):
    for url in ["/search/?q=spring", "/?utm_source=x", reverse("account_login")]:
        assert "public" not in directives(client.get(url)), url


def test_shared_caching_can_be_turned_off(client, post, settings):
    settings.SHARED_CACHE_SECONDS = 0
    response = client.get("/")
    assert "public" not in directives(response)
    assert "no-cache" in directives(response)


@pytest.mark.parametrize("state", ["miss", "hit"])
def test_a_page_answers_a_conditional_get_with_304(client, post, state):
    url = post.get_absolute_url()
    first = client.get(url)
    if state == "hit":
        assert client.get(url)[HEADER] == "hit"
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    changed = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_a_changed_page_gets_a_new_etag(client, post):
    url = post.get_absolute_url()
    before = client.get(url)["ETag"]
    PostFactory(author=post.author, title="A newer post")
    after = client.get(url, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after["ETag"] != before


def test_the_browser_max_age_is_zero_so_it_always_checks(client, post):
    assert get_max_age(client.get("/")) == 0
