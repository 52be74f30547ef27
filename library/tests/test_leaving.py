"""A user's pictures are in their data download and leave with their account, files included."""

import json

import pytest
from django.urls import reverse

from transfer.services import delete_account

from .factories import make_picture
from .test_services import stored_files

pytestmark = pytest.mark.django_db


def test_the_data_download_lists_ones_pictures(client, user, other_user):
    picture = make_picture(user, alt="A heron")
    make_picture(other_user, alt="Not mine")
    client.force_login(user)

    response = client.get(reverse("transfer:download_data"))
    data = json.loads(b"".join(response.streaming_content))

    assert data["pictures"] == [
        {
            "url": f"http://testserver{picture.url}",
            "alt": "A heron",
            "width": 640,
            "height": 480,
            "bytes": picture.bytes,
            "created_at": data["pictures"][0]["created_at"],
        }
    ]


def test_deleting_an_account_deletes_its_pictures_and_their_files(
    user, other_user, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_picture(user, size=(1000, 500))
        kept = make_picture(other_user)
    kept.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=user, keep_comments=True)

    remaining = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files(settings)}
    assert remaining == {kept.file.name, *kept.rendition_names()}
