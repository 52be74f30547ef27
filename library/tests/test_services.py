"""Storing pictures: every check before decoding, metadata gone, quota, renditions in the background."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from PIL import Image, ImageFile

from accounts.tests.images import SVG, image_bytes, jpeg_with_gps, jpeg_with_orientation, png_bomb, truncated_jpeg
from accounts.tests.images import upload as uploaded
from library.models import Picture
from library.services import change_alt, delete_picture, store_picture
from library.tasks import make_renditions

from .factories import make_picture

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def open_stored(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as f:
        image = Image.open(BytesIO(f.read()))
        image.load()
        return image


def test_a_jpeg_is_stored_with_its_size_type_and_a_name_of_our_own(user):
    picture = store_picture(owner=user, file=uploaded(image_bytes(size=(640, 480)), name="../../etc/x.php"), alt="A")

    assert (picture.width, picture.height, picture.content_type) == (640, 480, "image/jpeg")
    assert picture.file.name.startswith(f"library/{user.pk}/")
    assert picture.file.name.endswith(".jpg") and "php" not in picture.file.name and ".." not in picture.file.name
    assert picture.bytes == default_storage.size(picture.file.name)
    assert picture.url == f"/media/{picture.file.name}"
    assert not picture.has_renditions


@pytest.mark.parametrize(
    ("fmt", "mode", "color", "stored_type", "stored_format"),
    [
        ("PNG", "RGBA", (0, 0, 0, 0), "image/png", "PNG"),
        ("GIF", "RGB", (10, 20, 30), "image/png", "PNG"),
        ("WEBP", "RGB", (10, 20, 30), "image/webp", "WEBP"),
    ],
)
def test_each_format_is_stored_in_a_format_the_browser_shows(user, fmt, mode, color, stored_type, stored_format):
    picture = make_picture(user, fmt=fmt, mode=mode, color=color, name="x.bin")

    assert picture.content_type == stored_type
    assert open_stored(picture.file.name).format == stored_format


def test_the_type_comes_from_the_content_not_the_name(user):
    picture = store_picture(owner=user, file=uploaded(image_bytes("PNG"), name="holiday.jpg"))

    assert picture.content_type == "image/png"
    assert picture.file.name.endswith(".png")


def test_exif_and_gps_are_stripped(user):
    picture = store_picture(owner=user, file=uploaded(jpeg_with_gps()))

    image = open_stored(picture.file.name)
    assert not image.getexif()
    assert "exif" not in image.info


def test_the_orientation_is_applied(user):
    picture = store_picture(owner=user, file=uploaded(jpeg_with_orientation(size=(400, 200), orientation=6)))

    assert (picture.width, picture.height) == (200, 400)
    assert open_stored(picture.file.name).size == (200, 400)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"Just some text, not a picture.", "invalid_image", "not an image"),
        (truncated_jpeg(), "invalid_image", "damaged or incomplete"),
        (SVG, "invalid_image", "not an image"),
        (png_bomb(20_000, 20_000), "too_many_pixels", "too many pixels"),
        (b"", "invalid_image", "empty"),
    ],
    ids=["text", "truncated", "svg", "20000x20000", "empty"],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_stored(user, settings, data, code, words):
    with pytest.raises(ValidationError) as refused:
        store_picture(owner=user, file=uploaded(data, name="picture.jpg"))

    assert refused.value.code == code
    assert words in refused.value.messages[0]
    assert not Picture.objects.exists()
    assert stored_files(settings) == []


def test_a_huge_picture_is_refused_from_its_header_before_any_decoding(user, monkeypatch):
    def decode(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)

    with pytest.raises(ValidationError, match="too many pixels"):
        store_picture(owner=user, file=uploaded(png_bomb(20_000, 20_000)))


def test_a_file_over_the_size_limit_is_refused_unread(user, settings):
    settings.PICTURE_MAX_BYTES = 10_000

    with pytest.raises(ValidationError, match=r"larger than 9\.76562 KB") as refused:
        store_picture(owner=user, file=uploaded(b"\xff\xd8" + b"x" * 20_000))

    assert refused.value.code == "too_large"
    assert stored_files(settings) == []


def test_a_picture_that_would_pass_the_quota_is_refused_and_the_library_stays_as_it_was(user, other_user, settings):
    first = make_picture(user)
    settings.PICTURE_QUOTA_BYTES = first.bytes + 100
    before = stored_files(settings)

    with pytest.raises(ValidationError, match="Your media library is full") as refused:
        make_picture(user)

    assert refused.value.code == "quota"
    assert list(Picture.objects.all()) == [first]
    assert stored_files(settings) == before
    assert make_picture(other_user).owner == other_user


def test_freeing_space_makes_room_again(user, settings, django_capture_on_commit_callbacks):
    first = make_picture(user)
    settings.PICTURE_QUOTA_BYTES = first.bytes + 100
    with django_capture_on_commit_callbacks(execute=True):
        delete_picture(picture=first)

    assert make_picture(user).pk


def test_alt_text_is_kept_on_one_line_and_limited(user):
    assert make_picture(user, alt="  A heron\non the\tcanal ").alt == "A heron on the canal"
    with pytest.raises(ValidationError, match="at most 300 characters"):
        make_picture(user, alt="x" * 301)
    assert Picture.objects.count() == 1


def test_markdown_escapes_brackets_in_the_alt_text(user):
    picture = make_picture(user, alt="A [bracketed] view")

    assert picture.markdown() == rf"![A \[bracketed\] view]({picture.url})"


def test_renditions_are_made_after_the_commit_at_each_width_below_the_picture(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        picture = make_picture(user, size=(2000, 1000))
        assert not Picture.objects.get(pk=picture.pk).has_renditions

    picture.refresh_from_db()
    assert picture.has_renditions
    made = {(r["width"], r["type"]) for r in picture.renditions}
    assert made == {(w, t) for w in (1600, 960, 480) for t in ("image/jpeg", "image/webp")}
    for rendition in picture.renditions:
        image = open_stored(rendition["name"])
        assert image.size == (rendition["width"], rendition["width"] // 2)
        assert image.format == {"image/jpeg": "JPEG", "image/webp": "WEBP"}[rendition["type"]]
        assert rendition["bytes"] == default_storage.size(rendition["name"])


def test_a_webp_gets_webp_renditions_only_and_a_small_picture_none(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        webp = make_picture(user, fmt="WEBP", size=(1000, 500))
        small = make_picture(user, size=(300, 200))

    webp.refresh_from_db()
    small.refresh_from_db()
    assert {(r["width"], r["type"]) for r in webp.renditions} == {(960, "image/webp"), (480, "image/webp")}
    assert small.has_renditions and small.renditions == []


def test_making_renditions_again_replaces_the_files(user, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        picture = make_picture(user, size=(1000, 500))
    files = stored_files(settings)

    assert make_renditions.call(picture.pk) == 4
    picture.refresh_from_db()
    assert stored_files(settings) == files
    assert all(default_storage.exists(name) for name in picture.rendition_names())


def test_renditions_of_a_deleted_picture_are_not_made(user):
    picture = make_picture(user)
    picture.delete()

    assert make_renditions.call(picture.pk) == 0


def test_deleting_a_picture_removes_its_files_after_the_commit(user, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        picture = make_picture(user, size=(1000, 500))
    picture.refresh_from_db()
    assert len(stored_files(settings)) == 5

    with django_capture_on_commit_callbacks(execute=True):
        delete_picture(picture=picture)

    assert not Picture.objects.exists()
    assert stored_files(settings) == []


def test_an_uploader_who_may_not_write_stores_nothing(unverified_user, settings):
    with pytest.raises(PermissionDenied):
        store_picture(owner=unverified_user, file=uploaded(image_bytes()), uploader=unverified_user)
    assert not Picture.objects.exists()
    assert stored_files(settings) == []


def test_only_the_owner_changes_or_deletes_a_picture(user, other_user):
    picture = make_picture(user, alt="A heron")
    with pytest.raises(PermissionDenied):
        change_alt(picture=picture, alt="Mine now", user=other_user)
    with pytest.raises(PermissionDenied):
        delete_picture(picture=picture, user=other_user)
    picture.refresh_from_db()
    assert picture.alt == "A heron"

    change_alt(picture=picture, alt="A grey heron", user=user)
    delete_picture(picture=picture, user=user)
    assert not Picture.objects.exists()
