"""The people of the authorization matrix (the roles besides the owner come from the root conftest), and
helpers that drive the site through HTTP only."""

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory

from .site import Site


@pytest.fixture
def owner(db):
    """A verified blogger who owns the post under test."""
    return UserFactory(username="owner", display_name="Olive Owner")


@pytest.fixture
def unverified(unverified_user):
    return unverified_user


@pytest.fixture
def people(owner, blogger, reader, unverified, moderator, superuser):
    return {
        "anonymous": None,
        "unverified": unverified,
        "reader": reader,
        "blogger": blogger,
        "owner": owner,
        "moderator": moderator,
        "superuser": superuser,
    }


@pytest.fixture
def site(owner, settings):
    """The site as an HTTP client sees it, signed in as `owner`, with comment limits out of the way."""
    settings.COMMENTS_RATE_PER_MINUTE = 10_000
    client = Client()
    client.force_login(owner)
    return Site(client, owner)
