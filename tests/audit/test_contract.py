"""The public contract, checked the way an outside client would use it."""

import os
import re
import subprocess  # nosec B404
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from accounts.tests.images import image_bytes, upload
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


def open_graph(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', html))


def test_a_post_without_a_cover_still_has_an_open_graph_image(client, user):
    post = create_post(author=user, title="Plain", body="No pictures here.", status="published")

    tags = open_graph(client.get(post.get_absolute_url()).content.decode())

    assert tags["og:title"] == "Plain"
    assert tags["og:description"]
    assert tags["og:image"].startswith("http://testserver/")
    path = tags["og:image"].removeprefix("http://testserver" + settings.STATIC_URL.rstrip("/") + "/")
    assert path.endswith(".png") and finders.find(path)


def test_a_posts_cover_is_its_open_graph_image(client, user):
    cover = upload(image_bytes("PNG", size=(40, 30)), "cover.png", "image/png")
    post = create_post(author=user, title="Pictured", body="See above.", status="published", cover=cover)

    tags = open_graph(client.get(post.get_absolute_url()).content.decode())

    assert tags["og:image"] == "http://testserver" + post.cover.url


def test_makemigrations_check_runs_in_a_bare_environment():
    """Checking for missing migrations reads models only, so it needs no SECRET_KEY (nor DEBUG)."""
    environ = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(  # nosec B603 # our own manage.py with a fixed argument list
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "makemigrations", "--check", "--dry-run"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_refuses_to_start_without_a_secret_key_in_one_line():
    environ = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    environ["DEBUG"] = "0"
    result = subprocess.run(  # nosec B603 # our own manage.py with a fixed argument list
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "SECRET_KEY" in result.stderr
