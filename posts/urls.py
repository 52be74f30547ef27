from django.urls import path, register_converter

from . import views


class UsernameConverter:
    regex = r"[A-Za-z0-9_-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class MonthConverter:
    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(UsernameConverter, "username")
register_converter(MonthConverter, "mm")

app_name = "posts"

urlpatterns = [
    path("", views.front_page, name="front"),
    path("write/", views.write, name="write"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("feed/", views.placeholder, name="feed_atom"),
    path("feed/rss/", views.placeholder, name="feed_rss"),
    path("@<username:username>/", views.blog_home, name="blog"),
    path("@<username:username>/<int:year>/", views.blog_home, name="archive_year"),
    path("@<username:username>/<int:year>/<mm:month>/", views.blog_home, name="archive_month"),
    path("@<username:username>/<int:year>/<mm:month>/<str:slug>/", views.post_detail, name="detail"),
    path("@<username:username>/<int:year>/<mm:month>/<str:slug>/edit/", views.edit, name="edit"),
]
