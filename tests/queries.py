"""Helpers for the query budgets of pages."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url) -> tuple[int, str]:
    """How many queries `client` takes to get the page at `url`, which must answer 200, and the page's HTML."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()
