"""Which representation a request asks for: a page, or an ActivityPub document (Django's content negotiation,
`HttpRequest.get_preferred_type`, which weighs quality, then specificity, then the order given)."""

from .documents import ACTIVITY_JSON, LD_JSON

PAGE_TYPES = ["text/html", "application/xhtml+xml"]
# `application/ld+json` first: what a request naming neither (`*/*`) is answered with.
AP_TYPES = [LD_JSON, ACTIVITY_JSON]


def wants_activity_json(request) -> bool:
    """Whether `request` prefers `application/activity+json` or ActivityStreams' `application/ld+json` to a
    page. A browser's `text/html` (or `*/*` alone) keeps the page."""
    return request.get_preferred_type([*PAGE_TYPES, *AP_TYPES]) in AP_TYPES


def response_type(request) -> str:
    """The content type to answer an ActivityPub request with: the one it prefers."""
    return request.get_preferred_type(AP_TYPES) or LD_JSON
