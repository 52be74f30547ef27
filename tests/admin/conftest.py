"""A browser-like client that must carry the CSRF token (the staff in each role come from the root conftest)."""

import pytest
from django.test import Client


@pytest.fixture
def browser():
    """Log in as someone and drive the admin as a browser: every POST carries the page's CSRF token."""

    def make(user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make
