"""The public contract, checked the way an outside client would use it."""

from urllib.parse import quote

import pytest

from posts.services import create_post


def test_a_label_page_is_found_by_its_name_and_redirects_to_its_address(client, user):
    create_post(author=user, title="A good day", body="Yes.", labels="Small Victories", status="published")

    response = client.get(f"/@{user.username}/label/{quote('small victories')}/")

    assert response.status_code == 301
    assert response["Location"] == f"/@{user.username}/label/small-victories/"
    assert "A good day" in client.get(response["Location"]).content.decode()


def test_a_label_feed_is_found_by_the_labels_name(client, user):
    create_post(author=user, title="Summer", body="Warm.", labels="Été", status="published")

    response = client.get(f"/@{user.username}/label/{quote('Été')}/feed/")

    assert response.status_code == 200
    assert "Summer" in response.content.decode()


def test_an_unknown_label_is_still_not_found(client, user):
    assert client.get(f"/@{user.username}/label/nothing-here/").status_code == 404


def read_only_urls(post) -> list[str]:
    blog = f"/@{post.author.username}/"
    return [
        "/",
        "/search/?q=hello",
        "/sitemap.xml",
        "/feed/",
        "/feed/rss/",
        blog,
        f"{blog}about/",
        f"{blog}feed/",
        f"{blog}feed/rss/",
        f"{blog}label/news/",
        f"{blog}label/news/feed/",
        f"{blog}{post.published_at:%Y}/",
        f"{blog}{post.published_at:%Y/%m}/",
        post.get_absolute_url(),
        post.get_absolute_url() + "comments/feed/",
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_pages_refuse_other_methods_with_405(client, user, method):
    post = create_post(author=user, title="Hello", body="Hello.", labels="news", status="published")

    for url in read_only_urls(post):
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert "GET" in response["Allow"], url


def test_read_only_pages_still_answer_get_and_head(client, user):
    post = create_post(author=user, title="Hello", body="Hello.", labels="news", status="published")

    for url in read_only_urls(post):
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url


def test_the_dashboard_refuses_other_methods_with_405(client, user):
    client.force_login(user)

    assert client.post("/dashboard/").status_code == 405
