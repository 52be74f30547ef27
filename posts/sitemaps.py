from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import Post


class BlogSitemap(Sitemap):
    """Every blog with at least one public post; lastmod is its newest post's last change."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        public = Post.objects.published()
        return (
            get_user_model()
            .objects.filter(is_active=True, posts__in=public.order_by().values("pk"))
            .annotate(lastmod=Max("posts__updated_at"), last_published=Max("posts__published_at"))
            .order_by("username")
        )

    def location(self, item):
        return reverse("posts:blog", kwargs={"username": item.username})

    def lastmod(self, item):
        return max(item.lastmod, item.last_published)


class PostSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return (
            Post.objects.published()
            .select_related("author")
            .only("slug", "published_at", "updated_at", "created_at", "author__username")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


SITEMAPS = {"blogs": BlogSitemap, "posts": PostSitemap}


@require_safe
def sitemap_view(request):
    return sitemap(request, sitemaps=SITEMAPS)
