"""The site's own address, for absolute links made outside a request (mail, fediverse documents, pings)."""

from django.conf import settings


def site_url(base_url: str = "") -> str:
    """The site's address: the request's when there is one, else SITE_URL, else the first allowed host."""
    if base_url or getattr(settings, "SITE_URL", ""):
        return (base_url or settings.SITE_URL).rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
    if settings.DEBUG or not hosts:
        return "http://localhost:8000"
    return f"https://{hosts[0]}"
