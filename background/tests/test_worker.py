"""The heartbeat's bookkeeping, in process. Real worker processes, killed and restarted: test_reliability.py."""

import os
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.models import WorkerHeartbeat
from background.queue import enqueue_on_commit
from background.worker import Heartbeat, requeue_lost_tasks

from . import tasks

pytestmark = pytest.mark.django_db


def running_task(worker_id: str) -> DBTaskResult:
    enqueue_on_commit(tasks.remember, worker_id)
    task = DBTaskResult.objects.get(args_kwargs__args=[worker_id])
    task.claim(worker_id)
    return task


def heartbeat(worker_id: str, *, seconds_ago: float, hostname="elsewhere", pid=1) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(id=worker_id, hostname=hostname, pid=pid, started_at=seen, seen_at=seen)


def status(task) -> str:
    task.refresh_from_db()
    return task.status


def test_the_task_of_a_silent_worker_goes_back_on_the_queue(database_queue, settings):
    settings.TASKS_WORKER_LOST_SECONDS = 60
    heartbeat("alive", seconds_ago=5)
    heartbeat("lost", seconds_ago=61)
    alive, lost, unknown = running_task("alive"), running_task("lost"), running_task("never-seen")

    assert requeue_lost_tasks() == 2

    assert (status(alive), status(lost), status(unknown)) == ("RUNNING", "READY", "READY")
    assert lost.worker_ids == ["lost"], "the lost attempt still counts"
    assert list(WorkerHeartbeat.objects.values_list("id", flat=True)) == ["alive"], "the lost worker is forgotten"


def test_a_worker_restarted_under_its_id_takes_its_task_back_at_once(database_queue):
    heartbeat("web-1", seconds_ago=1, hostname=socket.gethostname(), pid=2**22 + 1)  # a pid no process has
    mine, other = running_task("web-1"), running_task("web-2")
    heartbeat("web-2", seconds_ago=1)

    beat = Heartbeat("web-1")
    beat.start()
    beat.stop()

    assert (status(mine), status(other)) == ("READY", "RUNNING")
    assert not WorkerHeartbeat.objects.filter(pk="web-1").exists(), "a stopped worker signs off"


def test_a_worker_id_in_use_by_a_live_process_is_refused(database_queue):
    heartbeat("web-1", seconds_ago=1, hostname=socket.gethostname(), pid=os.getppid())
    task = running_task("web-1")

    with pytest.raises(CommandError, match="in use by process"):
        Heartbeat("web-1").start()

    assert status(task) == "RUNNING"


def test_run_worker_refuses_when_tasks_run_in_the_web_process():
    with pytest.raises(CommandError, match="no queue to work"):
        call_command("run_worker")


def test_the_worker_runs_what_is_waiting_and_signs_off(database_queue, transactional_db):
    enqueue_on_commit(tasks.remember, "queued")

    call_command("run_worker", "--batch", "--worker-id", "batch-1")

    assert tasks.calls == [["queued"]]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get().worker_ids == ["batch-1"]
    assert not WorkerHeartbeat.objects.exists()
