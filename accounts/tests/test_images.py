from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageFile

from accounts.images import process_upload, square_copies

from .images import GPS_IFD, SVG, image_bytes, jpeg_with_gps, jpeg_with_orientation, png_bomb, truncated_jpeg, upload


def _open(content_file) -> Image.Image:
    content_file.seek(0)
    image = Image.open(BytesIO(content_file.read()))
    image.load()
    return image


@pytest.mark.parametrize(
    ("fmt", "name", "kwargs"),
    [
        ("JPEG", "a.jpg", {}),
        ("PNG", "a.png", {}),
        ("GIF", "a.gif", {}),
        ("WEBP", "a.webp", {}),
    ],
)
def test_each_allowed_format_becomes_a_square_thumbnail(fmt, name, kwargs):
    result = process_upload(upload(image_bytes(fmt, size=(640, 480), **kwargs), name=name))

    image = _open(result)
    assert image.size == (256, 256)
    assert image.format == "JPEG"
    assert result.name.endswith(".jpg")


def test_a_transparent_picture_stays_transparent_as_png():
    data = image_bytes("PNG", size=(300, 300), color=(0, 0, 0, 0), mode="RGBA")

    image = _open(process_upload(upload(data, name="a.png")))

    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((10, 10))[3] == 0


def test_centre_crop_keeps_the_middle_of_a_wide_picture():
    picture = Image.new("RGB", (900, 300), (255, 0, 0))
    picture.paste((0, 0, 255), (300, 0, 600, 300))  # blue middle third
    buffer = BytesIO()
    picture.save(buffer, format="PNG")

    image = _open(process_upload(upload(buffer.getvalue(), name="wide.png")))

    r, _g, b = image.getpixel((128, 128))
    assert b > 200 and r < 50


def test_without_square_the_picture_keeps_its_proportions_and_is_never_enlarged():
    big = _open(process_upload(upload(image_bytes("PNG", size=(3200, 1600)), name="c.png"), size=1600, square=False))
    small = _open(process_upload(upload(image_bytes("PNG", size=(400, 300)), name="s.png"), size=1600, square=False))

    assert big.size == (1600, 800)
    assert small.size == (400, 300)


def test_gps_and_camera_exif_are_stripped():
    data = jpeg_with_gps()
    assert Image.open(BytesIO(data)).getexif().get_ifd(GPS_IFD), "the fixture must carry GPS data"

    image = _open(process_upload(upload(data)))

    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert len(exif) == 0
    assert "exif" not in image.info


def test_exif_orientation_is_applied_before_it_is_stripped():
    # Orientation 6 means "rotate 90° clockwise to display": a 400x200 picture shows as 200x400.
    image = _open(process_upload(upload(jpeg_with_orientation((400, 200))), size=1000, square=False))

    assert image.size == (200, 400)
    assert not image.getexif()


def test_a_decompression_bomb_is_refused_without_being_decoded(monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self) or None)
    data = png_bomb(100_000, 100_000)
    assert len(data) < 2000

    with pytest.raises(ValidationError) as excinfo:
        process_upload(upload(data, name="bomb.png", content_type="image/png"))

    assert excinfo.value.code == "too_many_pixels"
    assert not decoded


def test_a_picture_just_over_our_own_pixel_bound_is_refused():
    data = png_bomb(6000, 5000)  # 30 MP: under Pillow's own limit, over ours

    with pytest.raises(ValidationError) as excinfo:
        process_upload(upload(data, name="big.png"), max_pixels=25_000_000)

    assert excinfo.value.code == "too_many_pixels"
    assert "25 megapixels" in excinfo.value.messages[0]


def test_a_text_file_renamed_png_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        process_upload(upload(b"this is not a picture\n" * 50, name="photo.png", content_type="image/png"))

    assert excinfo.value.code == "invalid_image"
    assert "not an image" in excinfo.value.messages[0]


def test_svg_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        process_upload(upload(SVG, name="logo.svg", content_type="image/svg+xml"))

    assert excinfo.value.code == "invalid_image"


def test_an_image_format_we_do_not_accept_is_refused_by_name():
    with pytest.raises(ValidationError) as excinfo:
        process_upload(upload(image_bytes("BMP", size=(20, 20)), name="a.bmp"))

    assert excinfo.value.code == "unsupported_format"
    assert "BMP files are not accepted" in excinfo.value.messages[0]


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read():
    class Unreadable:
        size = 5 * 1024 * 1024 + 1

        def read(self, *args):
            raise AssertionError("an oversized upload must not be read")

    with pytest.raises(ValidationError) as excinfo:
        process_upload(Unreadable())

    assert excinfo.value.code == "too_large"
    assert "larger than 5 MB" in excinfo.value.messages[0]


def test_a_file_with_no_declared_size_is_still_bounded():
    data = image_bytes("PNG", size=(64, 64))

    with pytest.raises(ValidationError) as excinfo:
        process_upload(BytesIO(data), max_bytes=len(data) - 1)

    assert excinfo.value.code == "too_large"


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        process_upload(upload(truncated_jpeg()))

    assert excinfo.value.code == "invalid_image"
    assert "damaged or incomplete" in excinfo.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        process_upload(upload(b""))

    assert excinfo.value.code == "invalid_image"


def test_each_result_gets_a_new_name():
    data = image_bytes("JPEG")

    assert process_upload(upload(data)).name != process_upload(upload(data)).name


def test_square_copies_are_made_from_one_decode_at_every_size():
    wide = BytesIO(jpeg_with_gps(size=(900, 300)))

    copies = square_copies(wide, sizes=(96, 192))

    assert len({c.name for c in copies}) == 2
    for copy, size in zip(copies, (96, 192), strict=True):
        with Image.open(BytesIO(copy.read())) as picture:
            assert picture.size == (size, size) and not picture.getexif()


def test_square_copies_refuse_what_an_upload_would_be_refused_for():
    with pytest.raises(ValidationError) as refused:
        square_copies(BytesIO(png_bomb()), sizes=(96,))
    assert refused.value.code == "too_many_pixels"
    with pytest.raises(ValidationError) as refused:
        square_copies(BytesIO(SVG), sizes=(96,))
    assert refused.value.code in ("invalid_image", "unsupported_format")
