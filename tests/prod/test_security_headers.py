"""Production headers: a strict Content-Security-Policy and the other protections, on the site and admin."""

import os
import re
import socket
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


class InlineCodeFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, style attributes and
    elements, event-handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in {"application/json"}:
            self._in_inline_script = True
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def inline_code_in(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_gets_a_content_security_policy_without_unsafe_inline(client):
    response = client.get("/")
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:", "https:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_carry_the_other_protective_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no/such/page/",
        "/admin/login/",
    ],
)
def test_anonymous_pages_have_no_inline_code_the_policy_would_block(client, url):
    # The admin's sign-in is the site's own, which /admin/login/ redirects to.
    response = client.get(url, follow=True)
    assert response.status_code in {200, 404}
    assert "Content-Security-Policy" in response
    assert inline_code_in(response.content.decode()) == []


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/auth/group/", "/admin/auth/group/add/", "/admin/password_change/"],
)
def test_the_admin_works_under_the_policy(client, url):
    from accounts.tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert inline_code_in(response.content.decode()) == []


def test_the_media_store_origin_is_allowed_for_images_when_uploads_go_to_s3():
    policy = settings_in_subprocess(
        "from django.conf import settings; print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))",
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        REMOTE_IMAGES="0",
    )
    assert policy.split() == ["'self'", "data:", "http://127.0.0.1:9000"]
    policy = settings_in_subprocess(
        "from django.conf import settings; print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))",
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_CUSTOM_DOMAIN="media.blogs.example.org",
        REMOTE_IMAGES="0",
    )
    assert policy.split() == ["'self'", "data:", "https://media.blogs.example.org"]


def test_pictures_hosted_elsewhere_are_allowed_over_https_unless_turned_off():
    code = (
        "from django.conf import settings; print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    assert settings_in_subprocess(code).split() == ["'self'", "data:", "https:"]
    assert settings_in_subprocess(code, REMOTE_IMAGES="0").split() == ["'self'", "data:"]


def settings_in_subprocess(code: str, **environ) -> str:
    """Runs `code` after loading the settings from a clean environment plus `environ`; returns stdout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "SECURE_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SESSION_", "CSRF_"))
    }
    env["SECRET_KEY"] = "tests-only-" + "x" * 50
    env.update(environ)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "blogsite.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return result.stdout


def startup_error(**environ) -> str:
    try:
        settings_in_subprocess("pass", **environ)
    except AssertionError as error:
        return str(error)
    return ""


def test_production_refuses_to_start_without_a_secret_key():
    error = startup_error(DEBUG="0", SECRET_KEY="")
    assert "ImproperlyConfigured" in error
    assert "SECRET_KEY is not set" in error


def test_gunicorn_refuses_to_start_without_a_secret_key_in_one_line():
    """As manage.py does: the reason alone, not a worker's traceback and the master's "failed to boot"."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environ = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(  # nosec B603 # gunicorn with our own config and a fixed argument list
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1", "--no-control-socket"],
        env={**environ, "DEBUG": "0", "BIND": f"127.0.0.1:{port}"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert "Traceback" not in output
    assert output.count("\n") == 0
    assert "SECRET_KEY is not set" in output


def test_production_refuses_to_start_with_no_allowed_hosts():
    error = startup_error(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="")
    assert "ALLOWED_HOSTS is empty" in error


def test_production_cookies_are_secure_and_http_only_behind_https():
    output = settings_in_subprocess(
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_PROXY_SSL_HEADER="1",
    )
    assert output.split() == ["True", "True", "True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


def test_https_redirect_applies_to_pages_but_not_to_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
    assert client.get("/healthz").status_code == 200


def test_a_request_the_proxy_marks_as_https_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert re.fullmatch(r"max-age=31536000; includeSubDomains", response["Strict-Transport-Security"])
