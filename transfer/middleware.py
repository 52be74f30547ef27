"""Old addresses of imported blogs keep working.

A post imported from WordPress or Blogger remembers the paths it had there (`LegacyPath`). Under the
imported blog, `/@karen/2011/03/some-post.html`, `/@karen/2011/03/14/some-post/` and `/@karen/?p=123`
redirect permanently to the post's permalink. Like django.contrib.redirects' fallback middleware, the lookup
happens only when the site had nothing at the address (a 404), plus the `?p=` case, whose path is the blog's
own page.
"""

import re

from django.http import HttpResponsePermanentRedirect

from blogsite.params import parse_id

from .models import LegacyPath

BLOG_PATH = re.compile(r"^/@(?P<username>[A-Za-z0-9_-]+)(?P<rest>/.*)$")


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            match = BLOG_PATH.match(request.path_info)
            old_id = parse_id(request.GET.get("p")) if match and match["rest"] == "/" else None
            if old_id is not None:
                response = self.redirect(match["username"], f"/?p={old_id}")
                if response is not None:
                    return response
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        match = BLOG_PATH.match(request.path_info)
        if not match or match["rest"] == "/":
            return response
        rest = match["rest"]
        path = rest.rstrip("/") if len(rest) > 1 else rest
        return self.redirect(match["username"], path) or response

    @staticmethod
    def redirect(username: str, path: str):
        post = LegacyPath.objects.target_for(username=username, path=path)
        if post is None:
            return None
        return HttpResponsePermanentRedirect(post.get_absolute_url())
