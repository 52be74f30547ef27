"""The people of the authorization matrix, and helpers that drive the site through HTTP only."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.tests.factories import UserFactory

from .site import Site


@pytest.fixture
def owner(db):
    """A verified blogger who owns the post under test."""
    return UserFactory(username="owner", display_name="Olive Owner")


@pytest.fixture
def blogger(db):
    """Another verified blogger, with a blog of their own."""
    return UserFactory(username="blogger", display_name="Bea Blogger")


@pytest.fixture
def reader(db):
    """A verified user who only reads and comments."""
    return UserFactory(username="reader", display_name="Rae Reader")


@pytest.fixture
def unverified(db):
    return UserFactory(username="unverified", verified_email=False)


@pytest.fixture
def moderator(db):
    """Staff in the group Moderators (its permissions come from the roles data migration)."""
    user = UserFactory(username="mod", is_staff=True)
    group, _ = Group.objects.get_or_create(name="Moderators")
    user.groups.add(group)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


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
