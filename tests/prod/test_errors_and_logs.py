import io
import json
import logging
from contextlib import contextmanager

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

from blogsite.logs import JSONFormatter

from .test_security_headers import inline_code_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """What the root logger writes, through the production JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def log_entries(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.urls("tests.prod.urls")
def test_an_error_in_a_view_shows_the_friendly_500_page_and_logs_the_traceback(settings, json_log):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page
    assert "the database caught fire" not in page
    errors = [entry for entry in log_entries(json_log) if entry["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["logger"] == "django.request"
    assert errors[0]["path"] == "/broken/"
    assert errors[0]["status_code"] == 500
    assert "Traceback (most recent call last)" in errors[0]["exc_info"]
    assert "RuntimeError: the database caught fire" in errors[0]["exc_info"]


def test_the_500_page_meets_the_content_security_policy():
    from django.template.loader import render_to_string

    assert inline_code_in(render_to_string("500.html")) == []


def test_the_500_page_finds_its_stylesheet_wherever_static_files_are_served(settings):
    from django.template.loader import render_to_string

    settings.STATIC_URL = "https://static.blogs.example/assets/"

    assert '<link rel="stylesheet" href="https://static.blogs.example/assets/css/site.css">' in render_to_string(
        "500.html"
    )


@contextmanager
def database_down(error=OperationalError):
    """Every query fails, the way it does when PostgreSQL stops answering."""

    def refuse(execute, sql, params, many, context):
        raise error('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.parametrize("reader", ["anonymous", "staff"])
def test_pages_answer_503_in_the_sites_look_while_the_database_is_down(settings, staff_user, reader):
    """Staff too: their pages would count comments awaiting moderation, and the 503 page must not."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    if reader == "staff":
        client.force_login(staff_user)
    with database_down():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert "Back in a moment" in page
    assert 'class="site-header' in page
    assert "Traceback" not in page
    assert "Connection refused" not in page
    assert "Content-Security-Policy" in response
    assert inline_code_in(page) == []


def test_an_unavailable_database_is_logged_with_its_traceback(settings, json_log):
    settings.DEBUG = False
    with database_down():
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    errors = [entry for entry in log_entries(json_log) if entry["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["logger"] == "django.request"
    assert errors[0]["path"] == "/"
    assert errors[0]["status_code"] == 503
    assert "Traceback (most recent call last)" in errors[0]["exc_info"]
    assert "OperationalError: connection to server" in errors[0]["exc_info"]


@pytest.mark.parametrize("url", ["/", "/@karen/?p=12"])
def test_an_unavailable_database_met_in_a_middleware_also_gets_the_503_page(settings, url):
    """The page cache (looking for scheduled posts fallen due) and the redirects from old `?p=` addresses
    query before any view runs."""
    settings.DEBUG = False
    settings.PAGE_CACHE_SECONDS = 600
    with database_down():
        response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()
    # Raised above django-csp and the frame-options middleware, the page still carries their headers.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_mistake_in_a_query_is_still_a_500(settings):
    settings.DEBUG = False
    settings.PAGE_CACHE_SECONDS = 600
    with database_down(error=ProgrammingError):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Content-Security-Policy" in response and response["X-Frame-Options"] == "DENY"


def test_log_records_are_single_json_lines_with_extra_fields():
    record = logging.LogRecord("blogsite.test", logging.WARNING, __file__, 1, "slow page %s", ("/",), None)
    record.duration_ms = 812
    line = JSONFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "blogsite.test"
    assert entry["message"] == "slow page /"
    assert entry["duration_ms"] == 812
    assert entry["time"].endswith("+00:00")


def test_production_logging_writes_json_to_stdout(settings):
    from .test_security_headers import settings_in_subprocess

    output = settings_in_subprocess(
        "import logging; logging.getLogger('blogsite').warning('hello %s', 'log')",
        DEBUG="0",
    )
    assert json.loads(output)["message"] == "hello log"


def _request_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("other_user", "edit", 403),  # PermissionDenied raised by the view
        ("anonymous", "/@nobody-here/", 404),  # Http404 raised by the view
        ("anonymous", "/no/such/address/", 404),  # no URL matches
        ("anonymous", "/@karen/2020/01/no-such-post/", 404),
    ],
)
def test_expected_refusals_log_at_info_without_a_traceback(
    settings, caplog, client, post, other_user, who, path, status
):
    settings.DEBUG = False
    if who == "other_user":
        client.force_login(other_user)
    url = post.get_edit_url() if path == "edit" else path
    with caplog.at_level(logging.INFO):
        response = client.get(url)
    assert response.status_code == status
    records = _request_records(caplog)
    assert [(r.levelname, r.status_code) for r in records] == [("INFO", status)]
    assert records[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_refusals_stay_out_of_a_log_set_to_warnings(settings, caplog, client):
    settings.DEBUG = False
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/no/such/address/").status_code == 404
    assert _request_records(caplog) == []


@pytest.mark.urls("tests.prod.urls")
def test_errors_still_log_at_error_with_their_traceback(settings, caplog):
    settings.DEBUG = False
    with caplog.at_level(logging.INFO):
        response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    records = _request_records(caplog)
    assert [r.levelname for r in records] == ["ERROR"]
    assert records[0].exc_info is not None
