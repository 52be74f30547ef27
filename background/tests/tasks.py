"""Tasks for the queue's own tests."""

from django_tasks import task

calls: list = []


@task
def remember(*args):
    """Note its arguments, so that a test sees when (and whether) the task ran."""
    calls.append(list(args))
