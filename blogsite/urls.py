from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    # Google's One Tap posts here without a CSRF token (allauth checks its own); the site does not offer it.
    path("accounts/google/login/token/", views.not_found),
    path("accounts/", include("allauth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include("comments.urls")),
    path("", include("moderation.urls")),
    path("", include("community.urls")),
    path("", include("transfer.urls")),
    # Before the posts' URLs: `/@<username>/inbox/` and its neighbours are the blog's ActivityPub collections.
    path("", include("federation.urls")),
    path("", include("mentions.urls")),
    path("", include("library.urls")),
    path("", include("posts.urls")),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Answers only with SERVE_MEDIA on; otherwise a proxy in front serves /media/ (see the README).
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", views.media, name="media"))

handler500 = "blogsite.views.server_error"
# Read by django-allauth for its rate-limited answers.
handler429 = "blogsite.views.too_many_requests"
