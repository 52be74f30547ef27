from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from background.queue import enqueue_later_on_commit, enqueue_many_on_commit, enqueue_on_commit

from . import tasks

pytestmark = pytest.mark.django_db


def test_an_immediate_task_runs_only_once_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(tasks.remember, 1)
        assert tasks.calls == [], "ran before the commit"
    assert tasks.calls == [[1]]


def test_a_rolled_back_transaction_runs_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(tasks.remember, 1)
        enqueue_many_on_commit(tasks.remember, [(2,), (3,)])
        raise RuntimeError("rolled back")
    assert tasks.calls == []


def test_on_the_database_queue_the_task_row_is_part_of_the_transaction(database_queue):
    with transaction.atomic():
        enqueue_on_commit(tasks.remember, "kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(tasks.remember, "rolled back")
        assert DBTaskResult.objects.count() == 2
        raise RuntimeError
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": ["kept"], "kwargs": {}}
    assert queued.status == TaskResultStatus.READY
    assert tasks.calls == [], "the database queue waits for a worker"


def test_a_thousand_tasks_are_queued_in_one_query(database_queue, django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(1):
        count = enqueue_many_on_commit(tasks.remember, [(follower, "post:7") for follower in range(1000)])
    assert count == 1000
    rows = DBTaskResult.objects.all()
    assert rows.count() == 1000
    assert sorted(row.args_kwargs["args"][0] for row in rows) == list(range(1000))
    assert {(row.task_path, row.status, row.queue_name, row.run_after) for row in rows} == {
        ("background.tests.tasks.remember", TaskResultStatus.READY, "default", get_date_max())
    }
    assert len({row.pk for row in rows}) == 1000
    # A worker reads them as the backend's own rows.
    assert rows.first().task_result.task.func is tasks.remember.func


def test_many_tasks_on_a_backend_without_bulk_inserts_each_run_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_many_on_commit(tasks.remember, [(n,) for n in range(5)])
        assert tasks.calls == []
    assert tasks.calls == [[n] for n in range(5)]


def test_queuing_nothing_costs_nothing(database_queue, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert enqueue_many_on_commit(tasks.remember, []) == 0


def test_a_later_run_is_queued_for_its_time_where_the_backend_can_wait(database_queue):
    when = timezone.now() + timedelta(minutes=5)
    with transaction.atomic():
        assert enqueue_later_on_commit(tasks.remember, when, "retry") is True
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": ["retry"], "kwargs": {}}
    assert queued.run_after == when


def test_a_backend_that_cannot_wait_is_given_no_later_run(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert enqueue_later_on_commit(tasks.remember, timezone.now() + timedelta(minutes=5), "retry") is False
    assert tasks.calls == []
