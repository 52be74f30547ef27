"""Checking and re-encoding uploaded images (avatars here; post covers and the media library reuse it).

`process_upload` (avatars, covers), `square_copies` (pictures of people from elsewhere) and `open_image` (the
media library) are public. None trusts the file name or the browser's content type: they read the bytes, let
Pillow identify them, check the pixel count from the header *before* decoding anything, then decode and apply
the EXIF orientation; the pixels are copied into a fresh image, so no metadata (EXIF with GPS position, XMP,
comments, ICC profiles) survives. Every problem becomes a `ValidationError` whose message can be shown to the
person who uploaded the file as it is.
"""

import logging
import secrets
import warnings
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import localize
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 5 * MiB
# 25 megapixels: a 6000 x 4000 camera photo passes; decoding one costs at most ~100 MB of memory.
DEFAULT_MAX_PIXELS = 25_000_000
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
ALLOWED_CONTENT_TYPES = "image/jpeg,image/png,image/gif,image/webp"
"""For an `<input type="file" accept="…">`: a hint to browsers, never a check."""

_FORMAT_NAMES = "JPEG, PNG, GIF or WebP"


def process_upload(
    upload,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    size: int | tuple[int, int] = 256,
    square: bool = True,
    quality: int = 85,
) -> ContentFile:
    """Check an uploaded image and return a clean, re-encoded copy of it, ready to assign to a FileField.

    `upload` is any file-like object (a Django `UploadedFile`, a `File`, an open binary file). `size` is the
    output box in pixels, an int for a square box or `(width, height)`. With `square=True` the picture is
    scaled and centre-cropped to fill the box exactly (an avatar: 256 x 256 by default); with
    `square=False` it is scaled down, keeping its proportions, to fit inside the box, and never scaled up (a
    post cover: e.g. `size=(1600, 1600), square=False`).

    The result is a JPEG (quality `quality`) or, when the picture has transparency, a PNG. Its name is random
    (`<16 hex digits>.jpg` or `.png`), so that a replaced picture gets a new URL; the field's `upload_to`
    decides the folder. Only the first frame of an animated GIF or WebP is kept.

    Raises `django.core.exceptions.ValidationError` (codes `too_large`, `invalid_image`, `unsupported_format`,
    `too_many_pixels`) with a message fit for the user when the file is larger than `max_bytes`, is not an
    image Pillow can read, is not JPEG/PNG/GIF/WebP (SVG is refused), has more than `max_pixels` pixels (a
    decompression bomb is refused from its header, never decoded), or is truncated or corrupt.
    """
    width, height = (size, size) if isinstance(size, int) else size
    picture, _ = open_image(upload, max_bytes=max_bytes, max_pixels=max_pixels, draft_box=(width, height))
    if square:
        picture = _fill(picture, (width, height))
    else:
        picture.thumbnail((width, height), Image.Resampling.LANCZOS)
    return _encode(picture, quality)


def square_copies(
    upload,
    *,
    sizes: tuple[int, ...],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    quality: int = 85,
) -> list[ContentFile]:
    """The picture as `process_upload` makes an avatar, at each of `sizes` (squares, in that order), from one
    decode: checked the same way (the same `ValidationError`s), scaled and centre-cropped, re-encoded without
    metadata, each under its own random name."""
    largest = max(sizes)
    picture, _ = open_image(upload, max_bytes=max_bytes, max_pixels=max_pixels, draft_box=(largest, largest))
    return [_encode(_fill(picture, (size, size)), quality) for size in sizes]


def _fill(picture: Image.Image, box: tuple[int, int]) -> Image.Image:
    """`picture` scaled and centre-cropped to fill `box` exactly."""
    return ImageOps.fit(picture, box, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def open_image(
    upload, *, max_bytes: int, max_pixels: int, draft_box: tuple[int, int] | None = None
) -> tuple[Image.Image, str]:
    """Check an uploaded image and decode it: returns `(picture, format)`, the picture upright (EXIF orientation
    applied) as a new RGB or RGBA image that carries no metadata, and the format Pillow found in the bytes
    (`"JPEG"`, `"PNG"`, `"GIF"` or `"WEBP"`).

    The checks and their `ValidationError`s are those of `process_upload`; the size and the pixel count are
    checked before anything is decoded. With `draft_box`, a JPEG may be decoded at 1/2, 1/4 or 1/8 scale when
    that still covers the box (cheaper for a picture that is to be made smaller anyway).
    """
    data = _read_at_most(upload, max_bytes)
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) between MAX_IMAGE_PIXELS and twice that; refuse those too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data)) as image:
                _check_header(image, max_pixels)
                image_format = image.format
                if image_format == "JPEG" and draft_box:
                    # Lets the JPEG decoder produce a smaller picture directly (1/2, 1/4, 1/8 scale).
                    image.draft("RGB", draft_box)
                image.load()
                return _clean_pixels(image), image_format
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels) from None
        except UnidentifiedImageError:
            raise ValidationError(
                _("This file is not an image we can read. Please upload a %(formats)s picture.")
                % {"formats": _FORMAT_NAMES},
                code="invalid_image",
            ) from None
        except Exception:
            # Truncated or corrupt files raise OSError, SyntaxError, ValueError, EOFError, struct.error… from
            # deep inside the decoders; whatever it is, the upload is unusable, and the user should hear so.
            logger.info("Refused an unreadable image upload", exc_info=True)
            raise ValidationError(
                _("This image appears to be damaged or incomplete. Please try another file."), code="invalid_image"
            ) from None


def _read_at_most(upload, max_bytes: int) -> bytes:
    too_large = ValidationError(
        _("This file is larger than %(size)s. Please upload a smaller picture.") % {"size": _human_size(max_bytes)},
        code="too_large",
    )
    declared = getattr(upload, "size", None)
    if declared is not None and declared > max_bytes:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    if not data:
        raise ValidationError(_("This file is empty. Please upload a picture."), code="invalid_image")
    return data


def _check_header(image: Image.Image, max_pixels: int) -> None:
    if image.format not in ALLOWED_FORMATS:
        message = (
            _("%(format)s files are not accepted. Please upload a %(formats)s picture.")
            if image.format
            else _("Files of this kind are not accepted. Please upload a %(formats)s picture.")
        )
        raise ValidationError(message % {"format": image.format, "formats": _FORMAT_NAMES}, code="unsupported_format")
    width, height = image.size
    if width < 1 or height < 1:
        raise ValidationError(_("This image has no pixels. Please try another file."), code="invalid_image")
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        _("This image has too many pixels (at most %(count)s megapixels). Please upload a smaller picture.")
        % {"count": _number(max_pixels / 1_000_000)},
        code="too_many_pixels",
    )


def _clean_pixels(image: Image.Image) -> Image.Image:
    """The decoded picture, turned upright, as a new RGB or RGBA image carrying no metadata at all."""
    # In place: a 12-megapixel photo is 36 MB of pixels, and every copy counts (see bench/pictures.py).
    ImageOps.exif_transpose(image, in_place=True)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    if image.mode in {"I;16", "I;16B", "I;16L", "I", "F"}:
        # 16-bit and float greyscale do not convert to RGB directly.
        image = image.convert("L")
    source = image if image.mode == mode else image.convert(mode)
    # Pasting the pixels into a new, blank image leaves `info` (exif, icc_profile, xmp, comment…) behind.
    clean = Image.new(mode, source.size)
    clean.paste(source)
    return clean


def _encode(picture: Image.Image, quality: int) -> ContentFile:
    buffer = BytesIO()
    if picture.mode == "RGBA":
        picture.save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        picture.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(8)}.{extension}")


def _human_size(num_bytes: int) -> str:
    if num_bytes >= MiB:
        return _("%(size)s MB") % {"size": _number(num_bytes / MiB)}
    return _("%(size)s KB") % {"size": _number(num_bytes / 1024)}


def _number(value: float) -> str:
    """`value` to six significant digits, as the reader's language writes it, without a trailing ".0"."""
    value = float(f"{value:g}")
    return localize(int(value) if value.is_integer() else value)
