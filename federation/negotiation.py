"""Which representation a request asks for: a page, or an ActivityPub document."""

AP_TYPES = ("application/activity+json", "application/ld+json")


def _entries(accept: str):
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        yield media.lower(), quality, -position, params


def wants_activity_json(request) -> bool:
    """Whether `request` prefers `application/activity+json` or ActivityStreams' `application/ld+json` to a
    page. A browser's `text/html` (or `*/*` alone) keeps the page. Linear in the header's length."""
    accept = request.headers.get("Accept", "")
    if "json" not in accept:
        return False
    best_ap = best_html = None
    for media, quality, order, params in _entries(accept):
        if quality <= 0:
            continue
        rank = (quality, order)
        if media in AP_TYPES:
            if media == "application/ld+json" and params and not any("activitystreams" in p for p in params):
                continue
            best_ap = max(best_ap or rank, rank)
        elif media in ("text/html", "application/xhtml+xml"):
            best_html = max(best_html or rank, rank)
    return best_ap is not None and (best_html is None or best_ap > best_html)


def response_type(request) -> str:
    """The content type to answer an ActivityPub request with: the one it named."""
    from .documents import ACTIVITY_JSON, LD_JSON

    return ACTIVITY_JSON if "activity+json" in request.headers.get("Accept", "") else LD_JSON
