from django import template

register = template.Library()


@register.inclusion_tag("accounts/_avatar.html")
def avatar(user, size=48):
    """A user's picture as a round `<img>`, or their initial when they have none; no queries."""
    return {"person": user, "size": size}


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
