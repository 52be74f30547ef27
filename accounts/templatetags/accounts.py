from django import template

from accounts.avatars import avatar_html, avatar_source

register = template.Library()


# Avatars this many pixels wide or less take the small size of site.css (`.avatar-sm`).
SMALL_AVATAR = 28


@register.simple_tag
def avatar(person=None, size=48, *, picture=None, name="", classes=""):
    """The one way pages draw someone's avatar (`accounts.avatars`): their picture as a round `<img>` `size`
    pixels wide, or the first letter of their name when there is none. No queries.

    `person` is a user, with the picture they uploaded; someone from another site is given by `picture`,
    the copy of their picture kept here (a `RemoteAvatar`, or None), and `name`. `classes` are added to the
    element's own."""
    modifiers = ("avatar-sm",) if size <= SMALL_AVATAR else ()
    source = avatar_source(person, picture=picture, name=name)
    return avatar_html(source, size=size, modifiers=modifiers, classes=classes)


# (what the User-Agent contains, the name shown), the first match winning: Edge and Opera say "Chrome" too,
# and Chrome says "Safari".
BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


@register.filter
def device(user_agent: str) -> str:
    """A short name for the browser and system a User-Agent header names ("Firefox on Windows"); "" when it
    names neither. Plain substring tests: time linear in the header's length."""
    user_agent = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system
