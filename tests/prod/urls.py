"""The site's URLs plus one view that fails, to see what a reader and the log get from an error."""

from django.urls import path

from blogsite.urls import handler500  # noqa: F401  # the site's 500 and 503 pages
from blogsite.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("the database caught fire")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
