"""How a person's avatar is drawn, in one place: the `{% avatar %}` tag of the pages and the comment thread's
renderer (which draws hundreds at a time and so calls it from Python) both ask `avatar_html`.

Someone with a picture gets a round `<img>`; with a copy kept here of a picture from another site (a
`RemoteAvatar`) its sizes too; with none, the first letter of their name."""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class AvatarSource:
    src: str = ""
    srcset: str = ""
    initial: str = ""


def avatar_source(person=None, *, picture=None, name: str = "") -> AvatarSource:
    """What to draw for `person` (a user, with the picture they uploaded), or for someone from another site
    given by `picture` (a `RemoteAvatar`, or None) and `name`. No queries."""
    if person is not None:
        name = person.name
        if person.avatar:
            return AvatarSource(src=person.avatar.url, initial=name[:1].upper())
    elif picture is not None and picture.image:
        return AvatarSource(src=picture.image.url, srcset=picture.srcset, initial=name[:1].upper())
    return AvatarSource(initial=name[:1].upper())


def avatar_html(
    source: AvatarSource, *, size: int, base: str = "avatar", modifiers=(), classes: str = ""
) -> SafeString:
    """The avatar `size` pixels wide. Its element has the class `base` (the initial's also `<base>-initial`),
    then `modifiers`, then `classes`."""
    if source.src and source.srcset:
        return format_html(
            '<img class="{}" src="{}" srcset="{}" sizes="{}px" alt="" width="{}" height="{}" loading="lazy">',
            _classes(base, *modifiers, classes),
            source.src,
            source.srcset,
            size,
            size,
            size,
        )
    if source.src:
        return format_html(
            '<img class="{}" src="{}" alt="" width="{}" height="{}" loading="lazy">',
            _classes(base, *modifiers, classes),
            source.src,
            size,
            size,
        )
    return format_html(
        '<span class="{}" aria-hidden="true">{}</span>',
        _classes(base, *modifiers, f"{base}-initial", classes),
        source.initial,
    )


def _classes(*names: str) -> str:
    return " ".join(filter(None, names))
