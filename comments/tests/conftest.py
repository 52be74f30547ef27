import pytest

from .factories import PublishedPostFactory


@pytest.fixture
def post(db, user):
    """Karen's published post."""
    return PublishedPostFactory(author=user, title="The verdict is in", slug="the-verdict-is-in")
