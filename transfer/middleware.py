"""Old addresses of imported blogs keep working; uploads for import are limited as they are read.

A post imported from WordPress or Blogger remembers the paths it had there (`LegacyPath`). Under the
imported blog, `/@karen/2011/03/some-post.html`, `/@karen/2011/03/14/some-post/` and `/@karen/?p=123`
redirect permanently to the post's permalink. Like django.contrib.redirects' fallback middleware, the lookup
happens only when the site had nothing at the address (a 404), plus the `?p=` case, whose path is the blog's
own page.

An old address may arrive with more in front of the path the post had (the blog moved between hosts and
prefixes: Blogger's old `/blogspot/NAME/2011/03/x.html` links, a custom domain mounted below a folder), so
the lookup also tries each shorter tail of the path, in the same query, and takes the longest that matches.
Blogger's comment links (`…/x.html?showComment=<milliseconds>#c<id>`) land on the comment written at that
instant: the fragment never reaches a server, the time does.
"""

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.urls import reverse

from blogsite.params import parse_id
from comments.models import Comment

from .models import LegacyPath

BLOG_PATH = re.compile(r"^/@(?P<username>[A-Za-z0-9_-]+)(?P<rest>/.*)$")
# Tails tried for one address: an old path is a handful of segments; longer ones are not addresses.
MAX_SEGMENTS = 12


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
        return self.redirect(match["username"], path, show_comment=request.GET.get("showComment")) or response

    @staticmethod
    def redirect(username: str, path: str, show_comment: str | None = None):
        post = LegacyPath.objects.target_for(username=username, path=path, tails=_tails(path))
        if post is None:
            return None
        target = post.get_absolute_url()
        if (millis := parse_id(show_comment)) is not None:
            comment_pk = _comment_at(post, millis)
            if comment_pk is not None:
                target = f"{target}?comment={comment_pk}#c{comment_pk}"
        return HttpResponsePermanentRedirect(target)


def _tails(path: str) -> list[str]:
    """ "/blogspot/name/2011/03/x.html" → ["/name/2011/03/x.html", "/2011/03/x.html", "/03/x.html", "/x.html"]."""
    segments = path.strip("/").split("/")
    if len(segments) > MAX_SEGMENTS:
        return []
    return ["/" + "/".join(segments[n:]) for n in range(1, len(segments))]


def _comment_at(post, millis: int) -> int | None:
    """The approved comment on `post` written in that millisecond (Blogger's `showComment`), or None."""
    try:
        when = datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    window = post.comments.filter(
        status=Comment.Status.APPROVED, created_at__gte=when, created_at__lt=when + timedelta(milliseconds=1)
    )
    return window.values_list("pk", flat=True).order_by("pk").first()


class UploadSizeLimit(FileUploadHandler):
    """Stops reading an upload once it passes `limit` bytes, whatever the request claimed: the rest of the
    body is read and dropped, never stored, and the view says why (`exceeded`)."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class ImportUploadLimitMiddleware:
    """Puts IMPORT_MAX_UPLOAD_MB on uploads to the dashboard's import before anything reads the body (the
    CSRF check reads the form): a request that says it is larger is answered 413 unread; one that grows
    past it while read is cut off by `UploadSizeLimit`, which the view finds as `request.upload_limit`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info == reverse("transfer:import"):
            limit = settings.IMPORT_MAX_UPLOAD_MB * 2**20
            length = parse_id(request.META.get("CONTENT_LENGTH"))
            # The body is the file plus a little form.
            if length is not None and length > limit + 64 * 1024:
                context = {"max_mb": settings.IMPORT_MAX_UPLOAD_MB}
                page = render_to_string("transfer/upload_too_large.html", context, request=request)
                return HttpResponse(page, status=413)
            request.upload_limit = UploadSizeLimit(request, limit)
            request.upload_handlers.insert(0, request.upload_limit)
        return self.get_response(request)
