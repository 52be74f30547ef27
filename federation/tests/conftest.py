import pytest

from posts.tests.factories import BlogFactory


@pytest.fixture(autouse=True)
def _federation_settings(settings):
    settings.FEDERATION = True
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def blog(user):
    return BlogFactory(owner=user, title="Small victories", description="Good days, written down.")


@pytest.fixture
def fake(settings):
    """A fake instance on 127.0.0.1, which the guarded fetch may reach in tests only."""
    from tests.loopback import serve

    from .fake import FakeInstance

    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    instance = FakeInstance()
    with serve(instance.handler()) as base:
        instance.base = base
        yield instance
