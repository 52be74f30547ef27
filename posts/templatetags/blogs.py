from django import template
from django.utils import translation
from django.utils.html import format_html

from ..models import Post

register = template.Library()


@register.inclusion_tag("posts/_recent_posts.html")
def recent_posts(author, limit=5):
    """The author's newest public posts, for their profile (one query)."""
    posts = Post.objects.published().by(author).select_related("author").order_by("-published_at", "-pk")
    return {"posts": list(posts[:limit]), "author": author}


@register.simple_tag
def written_in(blog):
    """` lang="…"` (and ` dir="…"` when the direction differs) for an element holding a blog's own words,
    when the blog's language is not the page's interface language; nothing otherwise."""
    code = blog.language_code
    if code == translation.get_language():
        return ""
    attributes = format_html(' lang="{}"', code)
    if blog.is_rtl != translation.get_language_bidi():
        attributes += format_html(' dir="{}"', "rtl" if blog.is_rtl else "ltr")
    return attributes
