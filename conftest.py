"""Fixtures shared by every app's tests."""

import os

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory

# Lines that a conftest wants in the run's summary but that it wrote on a pytest-xdist worker (where the tests
# are collected), such as why the browser tests were left out: the controller prints them once.
_summary_lines: set[str] = set()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _summary_lines.update(getattr(node, "workeroutput", {}).get("summary_lines", []))


def pytest_terminal_summary(terminalreporter):
    for line in sorted(_summary_lines):
        terminalreporter.write_line(line, yellow=True, bold=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run as their transaction commits, as under `make run`; the queue's own tests use the real backends.
    settings.TASKS_BACKEND = "immediate"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }
    # Staff need no second factor in tests unless the environment or a test asks for it, as under `make run`.
    settings.MFA_REQUIRED_FOR_STAFF = os.environ.get("MFA_REQUIRED_FOR_STAFF", "").strip() == "1"
    # Tests see every page fresh; the page cache's own tests turn it on. The cache is the process's own:
    # each process running tests (each pytest-xdist worker) has its own, and the shared file cache has tests of
    # its own (tests/prod/test_shared_cache.py).
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache(_test_settings):
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request leaves the language it chose active in its thread
    (LocaleMiddleware activates, nothing deactivates), which would carry over into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


# People in each role. Every one but `unverified_user` has a verified email address, as after sign-up.


@pytest.fixture
def user(db):
    """Karen, a blogger: the author of `post`."""
    return UserFactory(username="karen", display_name="Karen")


@pytest.fixture
def other_user(db):
    return UserFactory(username="sp", display_name="sp")


@pytest.fixture
def reader(db):
    """A user who only reads and comments."""
    return UserFactory(username="reader", display_name="Rae Reader")


@pytest.fixture
def blogger(db):
    """A blogger other than Karen."""
    return UserFactory(username="blogger", display_name="Bea Blogger")


@pytest.fixture
def unverified_user(db):
    user = UserFactory(username="newcomer")
    EmailAddress.objects.filter(user=user).update(verified=False)
    return user


@pytest.fixture
def staff_user(db):
    """Staff, in no group."""
    return UserFactory(username="moderator", is_staff=True)


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
def post(user):
    """A published post on `user`'s blog."""
    from posts.tests.factories import PostFactory

    return PostFactory(author=user, title="A first post")


@pytest.fixture
def open_post(post):
    """`post`, on a blog whose comment policy publishes comments at once."""
    from posts.models import Blog

    Blog.objects.update_or_create(owner=post.author, defaults={"comment_policy": Blog.CommentPolicy.OPEN})
    return post


@pytest.fixture
def database_queue(settings):
    """The production default: tasks, retries included, wait in the database for a worker."""
    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
