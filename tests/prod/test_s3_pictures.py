"""The media library on an S3-compatible store (moto): originals, renditions, the post's srcset, deleting."""

import pytest

from accounts.tests.factories import UserFactory
from library.html import with_renditions
from library.services import delete_picture
from library.tests.factories import make_picture
from posts.markup import POST_HTML, render_markdown

from .test_s3_media import BUCKET, bucket_keys, fetch, s3_endpoint, s3_server, s3_settings  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_picture_and_its_renditions_live_in_the_bucket_and_posts_offer_them(
    s3_settings,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(username="karen")
    with django_capture_on_commit_callbacks(execute=True):
        picture = make_picture(owner, size=(1000, 500), alt="A bucket")
    picture.refresh_from_db()

    names = {picture.file.name, *picture.rendition_names()}
    assert set(bucket_keys(s3_settings)) == names
    assert picture.url == f"{s3_settings}/{BUCKET}/{picture.file.name}"
    html = with_renditions(render_markdown(f"![A bucket]({picture.url})", allow=POST_HTML))
    stem = picture.url.rsplit(".", 1)[0]
    assert f'srcset="{picture.url} 1000w, {stem}-960.jpg 960w, {stem}-480.jpg 480w"' in html
    assert fetch(f"{stem}-480.webp")[:4] == b"RIFF"

    with django_capture_on_commit_callbacks(execute=True):
        delete_picture(picture=picture)
    assert bucket_keys(s3_settings) == []
