"""Storing and deleting pictures of the media library.

    from library.services import store_picture
    picture = store_picture(owner=user, file=request.FILES["file"], alt="A heron on the canal")
    picture.url, picture.markdown()   # "/media/library/3/9f….jpg", "![A heron on the canal](/media/…)"

`store_picture` is for every way a picture comes in: the editor's upload, the "Add a picture" form and
imports that fetch a post's pictures. It raises `django.core.exceptions.ValidationError` with a message fit
for the person uploading (codes: `too_large`, `invalid_image`, `unsupported_format`, `too_many_pixels` from
`accounts.images`, and `quota` here); nothing is stored then.
"""

import logging
import re
import secrets
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, ngettext
from PIL import Image

from accounts import policy
from accounts.images import open_image
from background.queue import enqueue_on_commit

from .models import Picture
from .signals import pictures_changed

logger = logging.getLogger(__name__)

ALT_MAX_LENGTH = Picture._meta.get_field("alt").max_length

# What each uploaded format is stored as: a GIF becomes a PNG of its first frame.
STORED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
FORMATS_BY_TYPE = {content_type: fmt for fmt, content_type in CONTENT_TYPES.items()}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_alt(alt: str) -> str:
    """Alt text on one line, without control characters; `ValidationError` when it is too long."""
    alt = " ".join(_CONTROL.sub(" ", alt or "").split())
    if len(alt) > ALT_MAX_LENGTH:
        raise ValidationError(
            ngettext(
                "Alt text has at most %(limit)s character (this one has %(count)s). Describe the picture briefly; "
                "a caption can say more.",
                "Alt text has at most %(limit)s characters (this one has %(count)s). Describe the picture briefly; "
                "a caption can say more.",
                ALT_MAX_LENGTH,
            )
            % {"limit": ALT_MAX_LENGTH, "count": len(alt)},
            code="alt_too_long",
        )
    return alt


def quota_bytes() -> int:
    return settings.PICTURE_QUOTA_BYTES


def used_bytes(owner) -> int:
    """Bytes of `owner`'s stored originals (one query)."""
    return Picture.objects.owned_by(owner).total_bytes()


def encode(picture: Image.Image, fmt: str, *, progressive: bool = False) -> bytes:
    """The picture in `fmt` (`JPEG`, `PNG` or `WEBP`), with nothing but its pixels. A progressive JPEG costs
    the encoder a buffer of the whole picture's coefficients (some 70 MB at 12 megapixels): renditions are
    progressive, originals not."""
    buffer = BytesIO()
    if fmt == "JPEG":
        picture = picture if picture.mode == "RGB" else picture.convert("RGB")
        picture.save(buffer, format="JPEG", quality=88, progressive=progressive)
    elif fmt == "WEBP":
        picture.save(buffer, format="WEBP", quality=82, method=4)
    else:
        picture.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def store_picture(*, owner, file, alt: str = "", uploader=None) -> Picture:
    """Check, clean and store an uploaded picture for `owner`; returns the saved `Picture` (its `url` and
    `markdown()` are ready to use). Its renditions are made by a background task after the commit.

    `file` is any file-like object (an `UploadedFile`, a `File`, bytes in a `BytesIO`); its name and declared
    type are ignored. The bytes are checked before anything is decoded (at most `PICTURE_MAX_BYTES`, a JPEG,
    PNG, GIF or WebP by content, at most `PICTURE_MAX_PIXELS` pixels by the header), then decoded, turned
    upright and stored without any metadata (EXIF, GPS position, XMP, comments). A picture that would take
    `owner` past `PICTURE_QUOTA_BYTES` is refused (code `quota`). Raises `ValidationError`; nothing is stored
    then. Costs about four queries. `uploader`, the person adding it to their library, is refused with
    `PermissionDenied` unless they may write posts; imports, which act for the blog's owner, name nobody.
    """
    if uploader is not None and not policy.can_write(uploader):
        raise PermissionDenied(gettext("Your account may not write posts."))
    alt = clean_alt(alt)
    image, source_format = open_image(
        file, max_bytes=settings.PICTURE_MAX_BYTES, max_pixels=settings.PICTURE_MAX_PIXELS
    )
    fmt = STORED_FORMATS[source_format]
    data = encode(image, fmt)
    width, height = image.size
    del image
    name = f"{secrets.token_hex(12)}.{EXTENSIONS[fmt]}"
    picture = Picture(
        owner=owner,
        alt=alt,
        content_type=CONTENT_TYPES[fmt],
        width=width,
        height=height,
        bytes=len(data),
    )
    with transaction.atomic():
        # Two uploads at once must not both fit under the quota that only one fits under: the owner's row is
        # the lock they queue on (SQLite's writes are serialized anyway).
        get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).first()
        used = used_bytes(owner)
        if used + len(data) > quota_bytes():
            raise _quota_error(used, len(data))
        picture.file.save(name, ContentFile(data), save=False)
        try:
            with transaction.atomic():
                picture.save()
        except Exception:
            picture.file.storage.delete(picture.file.name)
            raise
        # Imported here: the task module imports this one.
        from .tasks import make_renditions

        enqueue_on_commit(make_renditions, picture.pk)
    logger.info("Stored picture %s for user %s (%d bytes)", picture.pk, owner.pk, len(data))
    return picture


def _quota_error(used: int, size: int) -> ValidationError:
    # Sizes written as the library's pages write them (`filesizeformat`), so the numbers agree.
    quota = quota_bytes()
    return ValidationError(
        gettext(
            "Your media library is full: you use %(used)s of %(quota)s, and this picture needs %(size)s more. "
            "Delete pictures you no longer use to make room."
        )
        % {"used": filesizeformat(used), "quota": filesizeformat(quota), "size": filesizeformat(size)},
        code="quota",
    )


def change_alt(*, picture: Picture, alt: str, user=None) -> Picture:
    """Change the picture's own alt text (what the library shows and offers in its Markdown). Posts keep the
    alt text written in them. Raises `ValidationError` when it is too long, `PermissionDenied` if `user` may
    not manage the picture."""
    _check_manager(user, picture)
    picture.alt = clean_alt(alt)
    picture.save(update_fields=["alt"])
    return picture


@transaction.atomic
def delete_picture(*, picture: Picture, user=None) -> None:
    """Delete the picture's row, then (after the commit) its files; posts that show it keep their Markdown,
    which then points nowhere. The pages of those posts move on (`pictures_changed`). `PermissionDenied` if
    `user` may not manage the picture."""
    _check_manager(user, picture)
    names = [picture.file.name, *picture.rendition_names()]
    storage = picture.file.storage
    pictures_changed.send(sender=Picture, picture_ids={picture.pk})
    picture.delete()
    transaction.on_commit(lambda: _delete_files(storage, names))


def _check_manager(user, picture: Picture) -> None:
    if user is not None and not policy.can_manage_picture(user, picture):
        raise PermissionDenied(gettext("Only the picture's owner may change it."))


@transaction.atomic
def delete_pictures_of(*, owner) -> int:
    """Delete all of `owner`'s pictures (leaving the site), their files after the commit; returns how many.
    Two queries, whatever their number."""
    pictures = list(Picture.objects.owned_by(owner).only("pk", "file", "renditions"))
    if not pictures:
        return 0
    names = [name for p in pictures for name in (p.file.name, *p.rendition_names())]
    storage = pictures[0].file.storage
    pictures_changed.send(sender=Picture, picture_ids={p.pk for p in pictures})
    Picture.objects.filter(pk__in=[p.pk for p in pictures]).delete()
    transaction.on_commit(lambda: _delete_files(storage, names))
    return len(pictures)


def _delete_files(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            # A file left behind costs space, not correctness; the row is gone either way.
            logger.warning("Could not delete %s", name, exc_info=True)
