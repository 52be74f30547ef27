"""What the page cache's tests share: the cache turned on, and Karen's post on her blog."""

import pytest

from posts.models import Blog
from posts.tests.factories import PostFactory


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def comment_policy():
    """The comment policy of Karen's blog; a module that needs another one overrides this fixture."""
    return Blog.CommentPolicy.OPEN


@pytest.fixture
def author(user, comment_policy):
    """Karen, with her blog."""
    Blog.objects.create(owner=user, title="Small victories", comment_policy=comment_policy)
    return user


@pytest.fixture
def post(author):
    return PostFactory(author=author, title="Spring at last", body="The buds are out.")
