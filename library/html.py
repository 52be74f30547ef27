"""Finding the library's pictures in a post's sanitized HTML, and offering their renditions there.

A post's stored `body_html` keeps the plain `<img src alt>` the sanitizer let through (feeds serve it as it
is, with absolute addresses). When a page shows the post, `with_renditions` rewrites the `<img>` of each
picture of this site's library, and only those: a `<picture>` offering the WebP renditions, and an `<img>`
with `srcset`, `sizes`, `width`/`height` (so that nothing moves as it loads) and `loading="lazy"`. A picture
whose renditions are not made yet gets its width and height only. The rewrite runs on sanitized HTML and
writes only attributes built here from the database's values, escaped.
"""

import html
import re
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.utils.html import escape

from .models import Picture

# nh3 writes every attribute value in double quotes with `"` escaped (see posts.markup), so this reads its
# output exactly; each attribute is consumed whole, so the match is linear.
_IMG = re.compile(r'<img((?:\s+[^\s=>/"]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'\s+([^\s=>/"]+)(?:="([^"]*)")?')
# What `store_picture` names files: nothing else under library/ is taken for one of ours.
_NAME = re.compile(r"library/[0-9]{1,12}/[0-9a-f]{24}\.(?:jpg|png|webp)")

SIZES = "(min-width: 48rem) 42rem, 100vw"


def library_prefix() -> str:
    """The address the storage gives `library/…` files, without any query string (signed URLs)."""
    return default_storage.url("library/x").split("?", 1)[0][:-1]


def _name_of(src: str, prefix: str) -> str | None:
    src = html.unescape(src).strip()
    if not src.startswith(prefix):
        return None
    name = "library/" + src[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    return name if _NAME.fullmatch(name) else None


def picture_names(body_html: str) -> set[str]:
    """Storage names of the library pictures that `<img>` elements of the HTML show (no query)."""
    if "<img" not in body_html:
        return set()
    prefix = library_prefix()
    names = set()
    for match in _IMG.finditer(body_html):
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        name = _name_of(attrs.get("src", ""), prefix)
        if name:
            names.add(name)
    return names


def pictures_in(body_html: str) -> list[Picture]:
    """The library's pictures the HTML shows: no query when it shows none, else one."""
    names = picture_names(body_html)
    return list(Picture.objects.filter(file__in=names)) if names else []


def with_renditions(body_html: str, pictures: Iterable[Picture] | None = None) -> str:
    """The sanitized HTML with each library picture offered at its renditions' sizes (see the module's
    docstring). `pictures` may be given when already loaded; otherwise one query, none when the HTML shows
    no library picture."""
    if pictures is None:
        pictures = pictures_in(body_html)
    by_name = {p.file.name: p for p in pictures}
    if not by_name:
        return body_html
    prefix = library_prefix()

    def rewrite(match: re.Match) -> str:
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        picture = by_name.get(_name_of(attrs.get("src", ""), prefix) or "")
        if picture is None:
            return match.group(0)
        return picture_tag(picture, alt=attrs.get("alt"), title=attrs.get("title"))

    return _IMG.sub(rewrite, body_html)


def picture_tag(picture: Picture, *, alt: str | None, title: str | None = None) -> str:
    """The markup that shows `picture`. `alt` and `title` come already escaped from sanitized HTML; when
    `alt` is None, the picture's own alt text is used."""
    alt = escape(picture.alt) if alt is None else alt
    extra = f' title="{title}"' if title else ""
    size = f'width="{picture.width}" height="{picture.height}"'
    src = escape(picture.url)
    if not picture.has_renditions or not picture.renditions:
        return f'<img src="{src}" alt="{alt}"{extra} {size} loading="lazy" decoding="async">'
    storage = picture.file.storage
    own, webp = [], []
    for rendition in picture.renditions:
        entry = f"{escape(storage.url(rendition['name']))} {int(rendition['width'])}w"
        if rendition["type"] == picture.content_type:
            own.append(entry)
        elif rendition["type"] == "image/webp":
            webp.append(entry)
    own.insert(0, f"{src} {picture.width}w")
    source = f'<source type="image/webp" srcset="{", ".join(webp)}" sizes="{SIZES}">' if webp else ""
    img = (
        f'<img src="{src}" srcset="{", ".join(own)}" sizes="{SIZES}" alt="{alt}"{extra} {size} '
        'loading="lazy" decoding="async">'
    )
    return f"<picture>{source}{img}</picture>" if source else img
