"""Uploaded media served by the site itself when no proxy does it (SERVE_MEDIA), and safely."""

import os

import pytest
from django.core.files.base import ContentFile

from accounts.tests.images import image_bytes
from blogsite.views import MEDIA_CSP
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def serve_media(settings):
    settings.SERVE_MEDIA = True


@pytest.fixture
def media_root(settings):
    root = settings.MEDIA_ROOT
    (root / "covers" / "1").mkdir(parents=True)
    return root


def test_a_cover_shown_on_a_post_page_is_served_with_its_type_and_strict_headers(client, user):
    post = PostFactory(author=user)
    post.cover.save("garden.png", ContentFile(image_bytes("PNG")))
    page = client.get(post.get_absolute_url()).content.decode()
    assert post.cover.url in page
    response = client.get(post.cover.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == MEDIA_CSP
    assert "script-src" not in MEDIA_CSP and "default-src 'none'" in MEDIA_CSP and "sandbox" in MEDIA_CSP
    assert b"".join(response.streaming_content) == post.cover.read()


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("a.jpg", "image/jpeg"), ("b.JPEG", "image/jpeg"), ("c.gif", "image/gif"), ("d.webp", "image/webp")],
)
def test_pictures_get_their_own_content_type(client, media_root, name, content_type):
    (media_root / "covers" / "1" / name).write_bytes(b"picture")
    response = client.get(f"/media/covers/1/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize("name", ["page.html", "page.svg", "script.js", "noextension"])
def test_anything_but_a_picture_is_a_download_never_a_page(client, media_root, name):
    (media_root / "covers" / "1" / name).write_bytes(b"<script>alert(1)</script>")
    response = client.get(f"/media/covers/1/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["Content-Security-Policy"] == MEDIA_CSP


@pytest.mark.parametrize("path", ["/media/", "/media/covers/", "/media/covers/1/", "/media/covers/1"])
def test_no_directory_is_ever_listed(client, media_root, path):
    (media_root / "covers" / "1" / "a.png").write_bytes(b"picture")
    response = client.get(path)
    assert response.status_code == 404
    assert b"a.png" not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/media/../manage.py",
        "/media/covers/../../manage.py",
        "/media/%2e%2e/manage.py",
        "/media/covers/%2E%2E/%2E%2E/manage.py",
        "/media//etc/passwd",
        "/media/covers/1/..%2f..%2f..%2fmanage.py",
        "/media/.secret",
        "/media/covers/1/outside.png",
        "/media/covers/nothing-here.png",
    ],
)
def test_nothing_outside_media_root_or_hidden_is_served(client, media_root, settings, tmp_path, path):
    (media_root / ".secret").write_text("TOP-SECRET-DOTFILE")
    (tmp_path / "outside.png").write_bytes(b"OUTSIDE-MEDIA-ROOT")
    os.symlink(tmp_path / "outside.png", media_root / "covers" / "1" / "outside.png")
    response = client.get(path)
    assert response.status_code in (400, 404), path
    assert b"TOP-SECRET-DOTFILE" not in response.content and b"OUTSIDE-MEDIA-ROOT" not in response.content
    assert b"DJANGO_SETTINGS_MODULE" not in response.content and b"root:" not in response.content


def test_an_unchanged_file_answers_a_conditional_get_with_304(client, media_root):
    (media_root / "covers" / "1" / "a.png").write_bytes(b"picture")
    first = client.get("/media/covers/1/a.png")
    again = client.get("/media/covers/1/a.png", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304


def test_media_are_left_to_the_proxy_when_serving_is_off(client, media_root, settings):
    settings.SERVE_MEDIA = False
    (media_root / "covers" / "1" / "a.png").write_bytes(b"picture")
    assert client.get("/media/covers/1/a.png").status_code == 404


def test_media_answer_only_reads(client, media_root):
    (media_root / "covers" / "1" / "a.png").write_bytes(b"picture")
    assert client.post("/media/covers/1/a.png").status_code == 405
