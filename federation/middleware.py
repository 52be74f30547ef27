"""Content negotiation on a blog's address and a post's permalink: an ActivityPub client asking for
`application/activity+json` gets the blog's actor or the post's Article; everyone else gets the page.

It sits above the page cache, so a cached page is never served to an ActivityPub client nor a document to
a browser, and both answers say `Vary: Accept` for caches in front.
"""

from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from .negotiation import wants_activity_json

NEGOTIATED = {"posts:blog": "actor", "posts:detail": "article"}


class ActivityPubNegotiationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view_name = self.negotiated_view(request)
        if view_name is not None and request.method in ("GET", "HEAD") and wants_activity_json(request):
            from . import views

            response = getattr(views, NEGOTIATED[view_name])(request, **resolve(request.path_info).kwargs)
        else:
            response = self.get_response(request)
        if view_name is not None:
            patch_vary_headers(response, ["Accept"])
        return response

    @staticmethod
    def negotiated_view(request) -> str | None:
        if not request.path_info.startswith("/@"):
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        return name if name in NEGOTIATED else None
