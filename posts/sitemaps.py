from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property
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

    @cached_property
    def paginator(self):
        # Counted once per request: /sitemap.xml asks how many pages there are before writing one.
        return super().paginator

    def items(self):
        return (
            Post.objects.published()
            .select_related("author")
            .only("slug", "published_at", "updated_at", "created_at", "author__username")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


def _sitemaps() -> dict:
    # Fresh instances per request: each caches its paginator, so counting the posts happens once.
    return {"blogs": BlogSitemap(), "posts": PostSitemap()}


@require_safe
def sitemap_view(request):
    """`/sitemap.xml`: the blogs and posts themselves, or, once the posts fill more than one sitemap
    (`PostSitemap.limit`), an index of the `sitemap-<section>.xml` pages that hold them."""
    sitemaps = _sitemaps()
    if sitemaps["posts"].paginator.num_pages > 1:
        return index(request, sitemaps=sitemaps, sitemap_url_name="posts:sitemap_section")
    return sitemap(request, sitemaps=sitemaps)


@require_safe
def sitemap_section_view(request, section):
    """One section's sitemap, a page of it at a time (`?p=`), as the index lists them."""
    return sitemap(request, sitemaps=_sitemaps(), section=section)
