"""Putting tasks on the queue so that they run if, and only if, the work that asked for them is committed.

Tasks are django-tasks `@task` functions (`from django_tasks import task`; on Django 6, `django.tasks`), kept in
each app's `tasks.py`. Queue them with these functions rather than with `task.enqueue()`:

    enqueue_on_commit(render_cover, post.pk)
    enqueue_many_on_commit(deliver_activity, [(inbox, activity.pk) for inbox in inboxes])
    enqueue_later_on_commit(ping_hub, retry_at, topic, attempt + 1)  # a retry

On the database backend the task rows are written in the caller's transaction: workers see them when it commits,
and a crash just after the commit cannot lose them. On the other backends (Redis, or the immediate backend of
development and tests, which runs the task there and then) they are queued right after the commit. Either way a
rolled-back transaction queues nothing.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks.utils import normalize_json
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)


def backoff(attempts: int, *, first_seconds: float, most: timedelta) -> timedelta:
    """How long to wait before trying again after the `attempts`-th failed attempt: `first_seconds` after the
    first, twice as long after each next one, never more than `most`."""
    return min(timedelta(seconds=first_seconds * 2 ** max(attempts - 1, 0)), most)


def on_database_queue(task: Task) -> bool:
    """Whether `task` goes to a database backend, whose rows can join the caller's transaction."""
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` as part of the current transaction (see the module's docstring).

    Arguments must be JSON values: ids rather than model instances. One query on the database backend.
    """
    if on_database_queue(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(_enqueue_after_commit, task, [(args, kwargs)]), robust=True)


def enqueue_many_on_commit(task: Task, calls: Iterable[Sequence[Any]]) -> int:
    """Queue one run of `task` for each tuple of positional arguments in `calls`; returns how many.

    On the database backend all of them are written by one INSERT, however many there are. Elsewhere they are
    queued one by one after the commit.
    """
    calls = [(tuple(args), {}) for args in calls]
    if not calls:
        return 0
    if on_database_queue(task):
        _insert_database_tasks(task, calls)
    else:
        transaction.on_commit(partial(_enqueue_after_commit, task, calls), robust=True)
    return len(calls)


def enqueue_later_on_commit(task: Task, when: datetime, *args: Any) -> bool:
    """Queue `task(*args)` to run at `when`, as `enqueue_on_commit` does; returns whether it did. A backend that
    cannot defer work (the immediate one of development) gets nothing: the caller says what happens instead."""
    if not task.get_backend().supports_defer:
        return False
    enqueue_on_commit(task.using(run_after=when), *args)
    return True


def _enqueue_after_commit(task: Task, calls: list[tuple[tuple, dict]]) -> None:
    for args, kwargs in calls:
        task.enqueue(*args, **kwargs)


def _insert_database_tasks(task: Task, calls: list[tuple[tuple, dict]]) -> None:
    """The rows `DatabaseBackend.enqueue` would write one at a time, in one INSERT.

    Each row gets its id from the model's default, as there. The backend fills `run_after` in a pre_save signal,
    which a bulk insert skips: it is set here the same way. On SQLite the batch is as large as the engine allows
    (see apps.py), so one INSERT holds thousands of tasks.
    """
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    backend.validate_task(task)
    run_after = task.run_after or get_date_max()
    rows = [
        DBTaskResult(
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=run_after,
            backend_name=backend.alias,
        )
        for args, kwargs in calls
    ]
    DBTaskResult.objects.bulk_create(rows, batch_size=len(rows))
    logger.debug("Queued %d runs of %s", len(rows), task.module_path)
