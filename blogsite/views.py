import logging
import sys
from pathlib import Path

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.decorators.vary import vary_on_headers
from django.views.static import was_modified_since

from background.health import queue_health

from .context_processors import site

logger = logging.getLogger(__name__)

# What Django raises when the database cannot serve at all: a refused or dropped connection, too many
# clients, a timeout, SQLite's "database is locked". OperationalError also covers a few errors that are not
# outages (SQLite's "no such table" after a missed migration, say); those get the 503 page too, which is
# no worse for the reader than a 500, while the log still carries the real error and its traceback.
# Mistakes in the queries themselves (ProgrammingError, IntegrityError, DataError) stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# allauth's limits count over a minute (sign-ups, resets) up to five (failed sign-ins per account); it does
# not tell when the window it hit ends, so a client is asked to come back after the shortest one and gets
# a new answer, with a new `Retry-After`, if that was too soon.
RATE_LIMIT_RETRY_AFTER_SECONDS = 60


def server_error(request):
    """The site's `handler500`: the 503 page when the database is unavailable, Django's 500 page otherwise.

    Django calls it (with DEBUG off) for any exception a view, a template or a middleware let through, from
    inside its `except` block, and logs the error with the status returned here.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response = service_unavailable(request)
    else:
        response = defaults.server_error(request)
    # An error raised in a middleware that runs before django-csp's and the frame-options one (the page
    # cache, sessions) comes back without their headers; the error pages carry them all the same.
    if CSP_HEADER not in response:
        response[CSP_HEADER] = build_policy()
    response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


def service_unavailable(request):
    """`503` with `Retry-After` and the site's look, rendered without a single query.

    The page gets a plain context, without the request: the context processors would look up the signed-in
    user, their messages and the staff's moderation count in the database that has just failed.
    """
    response = HttpResponse(loader.render_to_string("503.html", site(request)), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def too_many_requests(request):
    """`429` in the site's look with `Retry-After`: django-allauth's rate limits answer through this."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(RATE_LIMIT_RETRY_AFTER_SECONDS)
    return response


@never_cache
@vary_on_headers("Accept")
@require_GET
def healthz(request):
    """For load balancers and uptime checks: `200` when the database answers and the queue keeps up, `503` when
    the database does not answer or the oldest due task has waited longer than TASKS_MAX_WAIT_SECONDS.

    The body is `ok` (or what is wrong) in plain text; a client that prefers `application/json` gets the
    database's and the queue's state as JSON, with the same status.
    """
    report = {"database": "ok", "queue": None}
    problem = ""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        report["database"] = "unavailable"
        problem = "database unavailable"
    if not problem:
        try:
            report["queue"] = queue_health()
        except Exception:
            # The queue's own store (Redis, with TASKS_BACKEND=rq) is down, or its tables are missing.
            logger.exception("Could not read the task queue's state")
            problem = "task queue unavailable"
        else:
            if not report["queue"]["healthy"]:
                problem = (
                    f"task queue behind: the oldest task has waited {report['queue']['oldest_wait_seconds']:.0f} s"
                )
    status = 503 if problem else 200
    if request.get_preferred_type(["text/plain", "application/json"]) == "application/json":
        return JsonResponse({"status": problem or "ok", **report}, status=status)
    return HttpResponse(problem or "ok", status=status, content_type="text/plain")


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /dashboard/",
        "Disallow: /write/",
        "Disallow: /search/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# What the site stores in MEDIA_ROOT are pictures (avatars, covers), re-encoded on upload. Types come from
# this list, never from a guess that could make a file HTML or script; anything else is a download.
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
# A picture opened on its own needs nothing else: no scripts, no styles, no plugins, no framing, and a
# sandbox in case a browser renders it as a document all the same.
MEDIA_CSP = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
# Uploads never replace a file of the same name (the storage picks a new one), so a file may be kept long.
MEDIA_MAX_AGE = 7 * 24 * 3600


@require_safe
def media(request, path):
    """An uploaded file from MEDIA_ROOT, for a site that runs without a proxy serving `/media/` itself
    (`SERVE_MEDIA`). Only regular files inside MEDIA_ROOT, none hidden, no directory listings; through the
    WSGI server's file wrapper (sendfile under gunicorn)."""
    if not settings.SERVE_MEDIA:
        raise Http404("Media are served by the proxy in front of the site.")
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        target = Path(safe_join(root, path)).resolve()
    except (SuspiciousFileOperation, ValueError, OSError):
        raise Http404("No such file.") from None
    relative = target.relative_to(root).parts if target.is_relative_to(root) else None
    if not relative or any(part.startswith(".") for part in relative) or not target.is_file():
        raise Http404("No such file.")
    modified = target.stat().st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        return HttpResponseNotModified()
    content_type = MEDIA_TYPES.get(target.suffix.lower())
    response = FileResponse(target.open("rb"), content_type=content_type or "application/octet-stream")
    if content_type is None:
        response["Content-Disposition"] = "attachment"
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    response[CSP_HEADER] = MEDIA_CSP
    return response


def not_found(request, *args, **kwargs):
    """404 for an address that an installed app routes but the site does not offer."""
    raise Http404
