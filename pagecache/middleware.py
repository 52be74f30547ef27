"""Whole-page caching of what anonymous readers see, keyed by the versions of what each page shows, and the
HTTP caching headers that let a proxy or a CDN in front of the site serve those pages too."""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.translation import get_language_from_request

from blogsite.versions import GLOBAL, SITE, blog_scope, current, looked_up_once

# The pages cached, by URL name, and the scope (beyond `global`) each depends on. `None`: the site;
# `"username"`: the blog named by that URL argument.
CACHED_PAGES = {
    "posts:front": None,
    "posts:feed_atom": None,
    "posts:feed_rss": None,
    "posts:sitemap": None,
    "posts:sitemap_section": None,
    "posts:blog": "username",
    "posts:archive_year": "username",
    "posts:archive_month": "username",
    "posts:label": "username",
    "posts:blog_feed_atom": "username",
    "posts:blog_feed_rss": "username",
    "posts:label_feed_atom": "username",
    "posts:label_feed_rss": "username",
    "posts:detail": "username",
    "comments:feed": "username",
    # A profile lists the person's recent comments on anyone's posts, which move the site's version, not
    # the profile owner's blog's.
    "accounts:about": None,
}
# Query parameters a cached page may have (pages of posts, pages of comments, a comment to show). Any
# other parameter, or a value that is not a small number, is served uncached rather than filling the
# cache with one entry per made-up URL.
CACHEABLE_PARAMS = frozenset({"page", "cstart", "cbefore", "clatest", "comment"})
# A small number, however many zeros pad it: `?page=000000001` is page 1 to the views, so it is one cache
# entry with `?page=1` (and anonymous readers are sent there), not one copy per spelling.
_NUMBER = re.compile(r"0*([0-9]{1,9})")
HEADER = "X-Page-Cache"


def cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def make_shareable(response) -> None:
    """Let shared caches keep an anonymous page (`s-maxage`) and serve it a while longer as they fetch it
    again (`stale-while-revalidate`), while browsers check it each time (`max-age=0`, answered with a
    304 through its ETag). `Vary: Cookie` keeps a signed-in reader, who has a session cookie, off it."""
    shared = settings.SHARED_CACHE_SECONDS
    if shared <= 0:
        patch_cache_control(response, no_cache=True)
        return
    stale = settings.STALE_WHILE_REVALIDATE_SECONDS
    patch_cache_control(response, public=True, max_age=0, s_maxage=shared, stale_while_revalidate=stale)
    patch_vary_headers(response, ["Cookie"])
    if not response.has_header("ETag"):
        set_response_etag(response)


def keep_private(response) -> None:
    """What one reader sees (signed in, or with a session or a message of their own) is never stored by a
    shared cache; their own browser may keep it, checking it each time."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


def _canonical(name: str, value: str) -> str | None:
    number = _NUMBER.fullmatch(value)
    if number is None:
        return None
    # Any value turns `clatest` on (see comments.templatetags.comments).
    return "1" if name == "clatest" else str(int(number.group(1)))


def cacheable_query(request) -> str | None:
    """The request's query string in a canonical form (names in order, numbers without padding), or None
    when a parameter is not cacheable."""
    parts = []
    for name, values in sorted(request.GET.lists()):
        value = _canonical(name, values[0]) if name in CACHEABLE_PARAMS and len(values) == 1 else None
        if value is None:
            return None
        parts.append(f"{name}={value}")
    return "&".join(parts)


def is_canonical_query(request) -> bool:
    """Whether every parameter of a cacheable query is already written the canonical way."""
    return all(_canonical(name, value) == value for name, value in request.GET.items())


def is_anonymous_request(request) -> bool:
    """No session (so nobody signed in) and no pending messages; decided from cookies, without a query."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


class AnonymousPageCacheMiddleware:
    """Serves anonymous GETs of the pages in CACHED_PAGES from the cache.

    A response is stored only when it is a plain 200 that sets no cookie: a page that used a CSRF token
    or a session sets one, so a form with one reader's token can never be served to another. It sits
    above the session, CSRF and CSP middleware so that what it stores already has their headers and
    their cookies, if any, are seen. `PAGE_CACHE_SECONDS=0` turns it off.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with looked_up_once():
            return self.respond(request)

    def respond(self, request):
        page = self.shared_page(request)
        if page is not None and not is_canonical_query(request):
            # Shared caches in front key pages by URL too: send every spelling to one address.
            return HttpResponsePermanentRedirect(f"{request.path}?{page[1]}")
        key = self.cache_key(request, page) if page is not None and cache_seconds() else None
        if key is not None:
            response = cache.get(key)
            if response is not None:
                response[HEADER] = "hit"
                return response
        response = self.get_response(request)
        if page is not None and self.may_store(request, response):
            make_shareable(response)
            if key is not None:
                cache.set(key, response, cache_seconds())
                response[HEADER] = "miss"
        elif self.is_personal(request, response):
            keep_private(response)
        return response

    @staticmethod
    def shared_page(request) -> tuple[str, str, str] | None:
        """(host, canonical query, scope) when the request is for a page every anonymous reader shares."""
        if request.method not in ("GET", "HEAD") or not is_anonymous_request(request):
            return None
        query = cacheable_query(request)
        if query is None:
            return None
        try:
            match = resolve(request.path_info)
            host = request.get_host()
        except (Resolver404, DisallowedHost):
            return None
        if match.view_name not in CACHED_PAGES:
            return None
        argument = CACHED_PAGES[match.view_name]
        return host, query, blog_scope(str(match.kwargs[argument])) if argument else SITE

    @staticmethod
    def cache_key(request, page: tuple[str, str, str]) -> str | None:
        if request.method != "GET":
            return None
        host, query, scope = page
        versions = current(GLOBAL, scope)
        # The page is in the visitor's language (LocaleMiddleware, below: the language cookie, else the
        # browser's Accept-Language), one copy per language.
        language = get_language_from_request(request)
        identity = f"{request.scheme}://{host}{request.path}?{query}|{scope}|{versions}|{language}"
        return "pagecache:page:" + hashlib.sha256(identity.encode()).hexdigest()

    @staticmethod
    def is_personal(request, response) -> bool:
        # Signing in sets the session cookie, and a signed-in reader sends it: no user look-up needed.
        return not is_anonymous_request(request) or bool(response.cookies)

    @staticmethod
    def may_store(request, response) -> bool:
        user = getattr(request, "user", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (user is not None and user.is_authenticated)
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )
