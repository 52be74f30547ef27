import io
import json
import logging

import pytest
from django.test import Client

from blogsite.logs import JSONFormatter

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

    from .test_security_headers import inline_code_in

    assert inline_code_in(render_to_string("500.html")) == []


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
