"""Answer 404 to an address holding a NUL character, before any view or query sees it.

No address of the site can hold a NUL, and PostgreSQL refuses NUL in text with an error, so a `%00` in a
slug or a label would otherwise turn into a 500 wherever it reaches a query. (Views that read free text
from query parameters, like search, clean it themselves.)
"""

from django.http import Http404


class RejectNulInPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("No page has that address.")
        return self.get_response(request)
