import hashlib
import re
import secrets

from django import template
from django.core.cache import cache
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from blogsite.versions import GLOBAL, blog_scope, current, post_scope
from comments.templatetags.comments import SHARED_THREAD

from ..middleware import cache_seconds, cacheable_query

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
            # What is shared may carry the comment form too, rendered once for every reader who may comment.
            with context.push({SHARED_THREAD: True}):
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


@register.tag("cache_post")
def do_cache_post(parser, token):
    """`{% cache_post post "part" %}…{% own %}…{% endown %}…{% endcache_post %}`: a part of a public post's page
    rendered once per version of the post and its blog, host, time zone and language, and shared by every
    reader, signed in or not. Each `{% own %}…{% endown %}` inside is left out of what is shared and rendered
    for each reader where it stands, with the page's context (so not inside a loop or a `{% with %}` of the
    cached part). A post that is not public (a draft its author previews) is never cached."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes two arguments: the post and the part's name.")
    nodelist = parser.parse(("endcache_post",))
    parser.delete_first_token()
    return SharedPostNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))


@register.tag("own")
def do_own(parser, token):
    """`{% own %}…{% endown %}`: the reader's own part of a `{% cache_post %}` (see there)."""
    nodelist = parser.parse(("endown",))
    parser.delete_first_token()
    return OwnPartNode(nodelist)


# While a shared part is rendered for the cache, the context carries it and the random nonce its own parts'
# markers are made with: nothing a writer can type (their text is escaped or sanitized anyway) matches one.
RENDERING_SHARED = "pagecache_rendering_shared"
OWN_MARK = re.compile(r"<!--own:([0-9a-f]{16}):([0-9]+)-->")


class OwnPartNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.index = 0

    def render(self, context):
        rendering = context.get(RENDERING_SHARED)
        if rendering is None:
            return self.nodelist.render(context)
        nonce, shared = rendering
        if self not in shared.own_parts:
            # In a template the shared part includes: its markup would go into what everyone is served.
            raise template.TemplateSyntaxError("{% own %} must be in the same template as its {% cache_post %}.")
        return f"<!--own:{nonce}:{self.index}-->"


class SharedPostNode(template.Node):
    def __init__(self, nodelist, post, name):
        self.nodelist = nodelist
        self.post = post
        self.name = name
        self.own_parts = nodelist.get_nodes_by_type(OwnPartNode)
        for index, part in enumerate(self.own_parts):
            part.index = index

    def render(self, context):
        key = self.cache_key(context)
        if key is None:
            return self.nodelist.render(context)
        stored = cache.get(key)
        if stored is None:
            nonce = secrets.token_hex(8)
            with context.push({RENDERING_SHARED: (nonce, self)}):
                html = self.nodelist.render(context)
            stored = (nonce, html)
            # A form with a CSRF token belongs to one reader; such markup is never shared.
            if "csrfmiddlewaretoken" not in html:
                cache.set(key, stored, cache_seconds())
        nonce, html = stored

        def own(match) -> str:
            if match[1] != nonce:
                return match[0]
            return self.own_parts[int(match[2])].nodelist.render(context)

        return OWN_MARK.sub(own, html)

    def cache_key(self, context) -> str | None:
        request = context.get("request")
        # A page asked for with parameters the page cache does not know is served fresh, this part too.
        if not cache_seconds() or request is None or cacheable_query(request) is None:
            return None
        post = self.post.resolve(context)
        if not post.is_public:
            return None
        # The page shows the post, its blog (title, neighbours, labels) and people's names: the post's and the
        # blog's versions, and the global one, move on with any of them.
        versions = current(GLOBAL, blog_scope(post.author.username), post_scope(post.pk))
        zone, language = get_current_timezone_name(), get_language()
        place = f"{request.scheme}://{request.get_host()}"
        name = self.name.resolve(context)
        return (
            "pagecache:shared-post:"
            + hashlib.sha256(f"{post.pk}|{name}|{versions}|{place}|{zone}|{language}".encode()).hexdigest()
        )
