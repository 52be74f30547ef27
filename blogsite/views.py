import sys

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .context_processors import site

# What Django raises when the database cannot serve at all: a refused or dropped connection, too many
# clients, a timeout, SQLite's "database is locked". OperationalError also covers a few errors that are not
# outages (SQLite's "no such table" after a missed migration, say); those get the 503 page too, which is
# no worse for the reader than a 500, while the log still carries the real error and its traceback.
# Mistakes in the queries themselves (ProgrammingError, IntegrityError, DataError) stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


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


@never_cache
@require_GET
def healthz(request):
    """`200 ok` when the database answers, `503` otherwise; for load balancers and uptime checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


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
