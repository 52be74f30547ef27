"""Every view that can change state refuses a POST without a CSRF token; no error page ever shows internals.

The CSRF test walks the whole URLconf, so a view added later is covered without anyone remembering to add
it here. A view may only skip CSRF if it is listed in CSRF_EXEMPT with the reason.
"""

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse

pytestmark = pytest.mark.django_db

# Views allowed to accept a POST without a CSRF token, and why.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST to the link from the email with no page or cookie.
    # The signed token in the URL is the proof, and the only change is switching a notification off.
    "comments:unsubscribe": "one-click unsubscribe (RFC 8058) carries a signed token instead",
    "community:unsubscribe": "one-click unsubscribe from a blog's mail (RFC 8058), with a signed token too",
    # ActivityPub servers deliver without cookies or pages; each activity must carry an HTTP signature of
    # its actor's key instead, and an unsigned one is refused (federation/inbox.py).
    "federation:inbox": "fediverse servers deliver activities signed with HTTP signatures, not forms",
    "federation:shared_inbox": "the shared inbox takes the same signed deliveries",
    # Webmention (W3C): other sites' servers post a source and a target, with no page or cookie; nothing is
    # believed until the source, fetched in the background, is found to link to the target.
    "mentions:endpoint": "other sites' servers post webmentions; each is verified by fetching its source",
    # The footer's form sits on pages shared by the page cache, which cannot carry a token; a visitor's switch
    # changes only their own language cookie and is refused when the browser says it is cross-site. A signed-in
    # member's switch, which saves their profile, is checked with the token (accounts.views.set_language).
    "accounts:set_language": "a visitor's language cookie only, same-site by the browser's headers",
}

# Values that make each URL parameter resolve; the CSRF check runs before the view, so they need not exist.
SAMPLE_VALUES = {"username": "owner", "year": "2024", "month": "05", "token": "x", "url": "x/"}


def _patterns(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _sample_kwargs(pattern: URLPattern) -> dict:
    names = list(getattr(pattern.pattern, "converters", {})) or list(pattern.pattern.regex.groupindex)
    return {name: SAMPLE_VALUES.get(name, "1") for name in names}


def _every_named_url() -> list[tuple[str, str]]:
    urls = {}
    for name, pattern in _patterns(get_resolver()):
        for kwargs in (_sample_kwargs(pattern), dict.fromkeys(_sample_kwargs(pattern), "x")):
            try:
                urls.setdefault(name, reverse(name, kwargs=kwargs))
                break
            except NoReverseMatch:
                pass  # a pattern whose parameters these samples cannot fill; try the next
    return sorted(urls.items())


EVERY_URL = _every_named_url()


def _is_exempt(url: str) -> bool:
    return getattr(resolve(url).func, "csrf_exempt", False)


def test_the_walk_reaches_the_sites_own_views():
    names = {name for name, _ in EVERY_URL}
    assert {"posts:write", "accounts:profile", "account_login", "account_signup", "admin:index"} <= names
    assert len(EVERY_URL) > 50


def test_only_listed_views_are_exempt_from_csrf():
    exempt = {name for name, url in EVERY_URL if _is_exempt(url)}
    assert exempt == set(CSRF_EXEMPT)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_post_without_a_csrf_token_is_refused_everywhere(owner, signed_in):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(owner)
    accepted = []
    for name, url in EVERY_URL:
        if name in CSRF_EXEMPT:
            continue
        response = client.post(url, {"title": "x", "body": "x", "username": "x", "password": "x"})
        if response.status_code != 403 or b"This form has expired" not in response.content:
            accepted.append(f"{name} {url} -> {response.status_code}")
    assert accepted == []


def test_a_post_with_the_token_gets_past_the_csrf_check(owner):
    """The refusals above are CSRF's: the same form with its token is not refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    page = client.get("/accounts/profile/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    response = client.post("/accounts/profile/", {"display_name": "Olive", "bio": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_unsubscribe_exemption_changes_nothing_without_a_valid_token(owner):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("comments:unsubscribe", kwargs={"token": "forged"}))
    assert response.status_code == 400
    owner.refresh_from_db()
    assert (owner.notify_comments, owner.notify_replies) == ("instant", "instant")


def test_state_changing_urls_do_nothing_on_get(owner, reader):
    from comments.models import Comment
    from comments.tests.factories import CommentFactory
    from posts.tests.factories import PostFactory

    post = PostFactory(author=owner)
    comment = CommentFactory(post=post, author=reader, body="x")
    client = Client()
    client.force_login(reader)
    assert client.get(f"/comments/{comment.pk}/delete/").status_code in (200, 405)
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    client.get("/accounts/logout/")
    assert client.get("/accounts/profile/").status_code == 200, "a GET to the logout URL signed the reader out"


# No internals on error pages ----------------------------------------------------------------------------

LEAKS = [b"Traceback", b'File "/', b"site-packages", b"django.", b"DEBUG", b"SECRET", b"settings.py", b"SELECT "]


@pytest.fixture
def crashing_about_page(monkeypatch):
    def boom(*args, **kwargs):
        raise DatabaseError('SELECT "accounts_user"."password" FROM "accounts_user" -- boom at secret-marker')

    monkeypatch.setattr("accounts.views.render", boom)


def test_an_exception_in_a_view_shows_a_plain_500_page_with_debug_off(crashing_about_page, owner, settings):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    response = client.get("/@owner/about/")
    assert response.status_code == 500
    assert b"secret-marker" not in response.content
    for leak in LEAKS:
        assert leak not in response.content, leak
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("url", ["/no/such/page/", "/@nobody/", "/admin/no/such/", "/comments/999999/edit/"])
def test_not_found_pages_show_no_urlconf_or_internals(client, url):
    response = client.get(url)
    assert response.status_code in (302, 404)
    for leak in [*LEAKS, b"Using the URLconf", b"urlpatterns"]:
        assert leak not in response.content, leak


def test_a_permission_denied_page_shows_no_internals(owner, reader):
    from comments.tests.factories import CommentFactory
    from posts.tests.factories import PostFactory

    comment = CommentFactory(post=PostFactory(author=owner), author=reader, body="x")
    client = Client()
    client.force_login(owner)
    response = client.get(f"/comments/{comment.pk}/edit/")
    assert response.status_code == 403
    for leak in LEAKS:
        assert leak not in response.content, leak


# Security headers with DEBUG=0 ----------------------------------------------------------------------------


def _header_sample(owner, reader):
    """Responses of every kind: pages, a feed, a redirect, a form error, 403, 404, the admin and allauth."""
    from comments.tests.factories import CommentFactory
    from posts.tests.factories import PostFactory

    post = PostFactory(author=owner)
    comment = CommentFactory(post=post, author=reader, body="x")
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(owner)
    return {
        "front page": anonymous.get("/"),
        "post page": anonymous.get(post.get_absolute_url()),
        "comments feed": anonymous.get(post.get_absolute_url() + "comments/feed/"),
        "sign-in page": anonymous.get("/accounts/login/"),
        "failed sign-in": anonymous.post("/accounts/login/", {"login": "owner", "password": "wrong"}),
        "redirect to sign in": anonymous.get("/accounts/profile/"),
        "404": anonymous.get("/no/such/page/"),
        "403": signed_in.get(f"/comments/{comment.pk}/edit/"),
        "profile saved": signed_in.post("/accounts/profile/", {"display_name": "O", "bio": ""}),
        "admin sign-in": anonymous.get("/admin/login/"),
    }


def test_every_kind_of_response_carries_the_protective_headers(owner, reader, settings):
    assert settings.DEBUG is False
    missing = []
    for kind, response in _header_sample(owner, reader).items():
        csp = response.get("Content-Security-Policy", "")
        directives = dict([*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip())
        script_src = directives.get("script-src", directives.get("default-src", ""))
        checks = {
            "CSP": bool(csp),
            "script-src without unsafe-inline": bool(script_src) and "'unsafe-inline'" not in script_src,
            "no unsafe-eval": "'unsafe-eval'" not in csp,
            "object-src none": "object-src 'none'" in csp,
            "nosniff": response.get("X-Content-Type-Options") == "nosniff",
            "Referrer-Policy": response.get("Referrer-Policy")
            in {"same-origin", "strict-origin-when-cross-origin", "no-referrer", "strict-origin"},
            "frame protection": response.get("X-Frame-Options") == "DENY" or "frame-ancestors 'none'" in csp,
        }
        missing += [f"{kind}: {check}" for check, ok in checks.items() if not ok]
    assert missing == []


def test_session_and_csrf_cookies_are_http_only_and_same_site(owner):
    client = Client()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": "owner", "password": "correct horse battery staple"})
    assert response.status_code == 302
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] in ("Lax", "Strict")
    csrf = client.cookies["csrftoken"]
    assert csrf["samesite"] in ("Lax", "Strict")


def test_with_the_https_settings_on_cookies_are_secure_and_http_only():
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blogsite.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-secret-for-this-check-only-0123456789",
        "ALLOWED_HOSTS": "blog.example",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-5:] == ["True"] * 5
