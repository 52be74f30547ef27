"""Covers carry an alt text, written with the post and used wherever the cover shows."""

import pytest

from accounts.tests.images import image_bytes, upload
from posts.models import Post

pytestmark = pytest.mark.django_db


def _write(client, **extra):
    cover = upload(image_bytes("PNG", size=(40, 30)), "cover.png", "image/png")
    data = {"title": "Harbour", "body": "Boats.", "labels": "", "status": "published", "cover": cover, **extra}
    return client.post("/write/", data)


def test_the_cover_alt_text_is_used_on_the_post_the_front_page_and_in_previews(client, user):
    client.force_login(user)
    _write(client, cover_alt="Fishing boats at low tide")
    post = Post.objects.get()
    assert post.cover_alt == "Fishing boats at low tide"

    page = client.get(post.get_absolute_url()).content.decode()
    front = client.get("/").content.decode()

    assert f'src="{post.cover.url}" alt="Fishing boats at low tide"' in page
    assert '<meta property="og:image:alt" content="Fishing boats at low tide">' in page
    assert f'src="{post.cover.url}" alt="Fishing boats at low tide" loading="lazy"' in front
    edit = client.get(post.get_edit_url()).content.decode()
    assert 'name="cover_alt" value="Fishing boats at low tide"' in edit


def test_the_cover_alt_text_changes_and_stays_on_one_line(client, user):
    client.force_login(user)
    _write(client)
    post = Post.objects.get()

    client.post(
        post.get_edit_url(),
        {"title": "Harbour", "body": "Boats.", "status": "published", "cover_alt": "Boats\nat dawn"},
    )

    post.refresh_from_db()
    assert post.cover_alt == "Boats at dawn"


def test_a_cover_alt_text_too_long_is_a_form_error(client, user):
    client.force_login(user)

    response = _write(client, cover_alt="x" * 301)

    assert "Alt text has at most 300 characters." in response.content.decode()
    assert not Post.objects.exists()
