from django import template
from django.core.cache import cache
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from ..middleware import cache_seconds, cacheable_query
from ..versions import GLOBAL, current, post_scope

register = template.Library()


@register.tag("cache_thread")
def do_cache_thread(parser, token):
    """`{% cache_thread post %}…{% endcache_thread %}`: the enclosed markup (the shared part of a post's
    comments section, which depends on no reader), rendered once per version of the post's thread and
    page asked for, and shared by every reader, signed in or not. What is a reader's own is added around
    it (see `{% comment_thread %}` in the comments app)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the post.")
    nodelist = parser.parse(("endcache_thread",))
    parser.delete_first_token()
    return SharedThreadNode(nodelist, parser.compile_filter(bits[1]))


class SharedThreadNode(template.Node):
    def __init__(self, nodelist, post):
        self.nodelist = nodelist
        self.post = post

    def render(self, context):
        key = self.cache_key(context)
        if key is None:
            return self.nodelist.render(context)
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            # A form with a CSRF token belongs to one reader; such markup is never shared.
            if "csrfmiddlewaretoken" not in html:
                cache.set(key, html, cache_seconds())
        return html

    def cache_key(self, context) -> str | None:
        request = context.get("request")
        if not cache_seconds() or request is None:
            return None
        query = cacheable_query(request)
        if query is None:
            return None
        post = self.post.resolve(context)
        versions = current(GLOBAL, post_scope(post.pk))
        # Times are shown in the reader's time zone, and words in their language: one copy of each.
        zone, language = get_current_timezone_name(), get_language()
        return f"pagecache:shared-thread:{post.pk}:{versions[0]}:{versions[1]}:{query}:{zone}:{language}"
