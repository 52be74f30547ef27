"""Making the smaller copies of a picture that pages offer through `srcset`.

Each picture gets, for every width of `PICTURE_RENDITION_WIDTHS` narrower than itself, a copy in its own
format and one in WebP (the original itself is the widest in its own format). The original is decoded
once (a JPEG at a reduced scale when even the widest copy allows it), and each copy is scaled from the
previous, larger one, which keeps both the time and the memory near that of one decode.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image

from .models import Picture
from .services import CONTENT_TYPES, EXTENSIONS, FORMATS_BY_TYPE, encode


def rendition_widths(width: int) -> list[int]:
    """The widths a picture `width` pixels wide gets copies at, widest first (never wider than itself)."""
    return sorted((w for w in settings.PICTURE_RENDITION_WIDTHS if w < width), reverse=True)


def rendition_name(picture: Picture, width: int, fmt: str) -> str:
    stem = picture.file.name.rsplit(".", 1)[0]
    return f"{stem}-{width}.{EXTENSIONS[fmt]}"


def render(picture: Picture) -> list[dict]:
    """Write the picture's renditions to its storage and return their record (widest first). Files of an
    earlier, interrupted run are replaced, so running it twice is harmless."""
    storage = picture.file.storage
    fmt = FORMATS_BY_TYPE[picture.content_type]
    widths = rendition_widths(picture.width)
    plan = [(w, f) for w in widths for f in dict.fromkeys([fmt, "WEBP"])]
    made: list[dict] = []
    with storage.open(picture.file.name, "rb") as original, Image.open(original) as image:
        if image.format == "JPEG" and widths:
            # The decoder can produce 1/2, 1/4 or 1/8 scale directly; ask for no less than the widest copy needs.
            image.draft("RGB", (widths[0], round(widths[0] * picture.height / picture.width)))
        image.load()
        current = image
        for width, out_format in plan:
            height = max(1, round(picture.height * width / picture.width))
            if current.width != width:
                # Scaling from the previous (larger) copy; `reducing_gap` first shrinks by whole factors, fast.
                current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            data = encode(current, out_format, progressive=True)
            name = rendition_name(picture, width, out_format)
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(data))
            made.append({"width": width, "type": CONTENT_TYPES[out_format], "name": saved, "bytes": len(data)})
    made.sort(key=lambda r: (-r["width"], r["type"]))
    return made
