import pytest

from . import tasks

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _forget_calls():
    tasks.calls.clear()


@pytest.fixture
def database_queue(settings):
    """The production default: tasks wait in the database for a worker."""
    settings.TASKS_BACKEND = "database"
    settings.TASKS = DATABASE_BACKEND
