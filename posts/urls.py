from django.urls import path
from django.views.i18n import JavaScriptCatalog

from blogsite.converters import PERMALINK

from . import editor, feeds, views
from .sitemaps import sitemap_section_view, sitemap_view

app_name = "posts"

blog = "@<username:username>/"
permalink = PERMALINK

urlpatterns = [
    path("", views.front_page, name="front"),
    path("write/", views.write, name="write"),
    # The words the editor's scripts show, in the reader's language (the djangojs catalogues in locale/).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("write/preview/", editor.preview, name="preview"),
    path("write/autosave/", editor.autosave, name="autosave"),
    path("write/autosave/discard/", editor.discard_autosave, name="discard_autosave"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/blog/", views.blog_settings, name="blog_settings"),
    path("search/", views.search, name="search"),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section_view, name="sitemap_section"),
    path("feed/", feeds.SiteAtomFeed(), name="feed_atom"),
    path("feed/rss/", feeds.SiteRssFeed(), name="feed_rss"),
    path(blog, views.blog_home, name="blog"),
    path(blog + "feed/", feeds.blog_feed(feeds.BlogAtomFeed()), name="blog_feed_atom"),
    path(blog + "feed/rss/", feeds.blog_feed(feeds.BlogRssFeed()), name="blog_feed_rss"),
    path(blog + "label/<str:label>/", views.label_posts, name="label"),
    path(blog + "label/<str:label>/feed/", feeds.blog_feed(feeds.LabelAtomFeed()), name="label_feed_atom"),
    path(blog + "label/<str:label>/feed/rss/", feeds.blog_feed(feeds.LabelRssFeed()), name="label_feed_rss"),
    path(blog + "<yyyy:year>/", views.blog_home, name="archive_year"),
    path(blog + "<yyyy:year>/<mm:month>/", views.blog_home, name="archive_month"),
    path(permalink, views.post_detail, name="detail"),
    path(permalink + "edit/", views.edit, name="edit"),
    path(permalink + "delete/", views.delete, name="delete"),
    path(permalink + "history/", views.history, name="history"),
    path(permalink + "history/<int:revision_id>/restore/", views.restore_revision, name="restore_revision"),
]
