import pytest

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings):
    """The production default: tasks wait in the database for a worker."""
    settings.TASKS_BACKEND = "database"
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def blog(user):
    from posts.models import Blog

    return Blog.objects.get_or_create(owner=user)[0]
