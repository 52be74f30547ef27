"""The `Link: <…>; rel="webmention"` header of post pages (the spec's 3.1.2, endpoint discovery)."""


class WebmentionLinkMiddleware:
    """Adds the header a page's `{% webmention_endpoint %}` asked for. It sits below the page cache, so that
    the cached copy of a page carries the header as well as the `<link>` in its markup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        endpoint = getattr(request, "webmention_endpoint", None)
        if endpoint and response.status_code == 200:
            link = f'<{endpoint}>; rel="webmention"'
            existing = response.get("Link")
            response["Link"] = f"{existing}, {link}" if existing else link
        return response
