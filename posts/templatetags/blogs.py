from django import template

from ..models import Post

register = template.Library()


@register.inclusion_tag("posts/_recent_posts.html")
def recent_posts(author, limit=5):
    """The author's newest public posts, for their profile (one query)."""
    posts = Post.objects.published().by(author).select_related("author").order_by("-published_at", "-pk")
    return {"posts": list(posts[:limit]), "author": author}
