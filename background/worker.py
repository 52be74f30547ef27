"""The database queue's worker: django-tasks-db's, plus a heartbeat that brings back the tasks of dead workers.

django-tasks-db marks a task RUNNING when a worker takes it and never looks at it again: a worker killed in the
middle (SIGKILL, out of memory, a lost machine) would leave it RUNNING for ever. Here each worker records itself
in `WorkerHeartbeat` and refreshes it from a thread every TASKS_HEARTBEAT_SECONDS, and every worker, on each
beat, puts back on the queue the tasks whose worker has been silent for TASKS_WORKER_LOST_SECONDS. A worker that
starts under the id of a dead one (a restart with a fixed `--worker-id`) takes its tasks back at once.

A task that runs again this way must be idempotent, as `deliver_mail` is: it records what it has done.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def requeue(task_ids: list, reason: str) -> int:
    """Put RUNNING tasks back to READY (one query); their worker ids stay, so they count as attempts."""
    if not task_ids:
        return 0
    count = DBTaskResult.objects.filter(pk__in=task_ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY
    )
    if count:
        logger.warning("Put %d task(s) back on the queue: %s", count, reason)
    return count


def running_tasks_by_worker() -> dict[str, list]:
    """The ids of RUNNING tasks, by the worker that took each last (one query; a handful of rows)."""
    by_worker: dict[str, list] = {}
    for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids"):
        by_worker.setdefault(worker_ids[-1] if worker_ids else "", []).append(task_id)
    return by_worker


def requeue_lost_tasks() -> int:
    """Put back on the queue the tasks of workers silent for TASKS_WORKER_LOST_SECONDS, and forget those
    workers. Three queries."""
    lost_before = timezone.now() - timedelta(seconds=settings.TASKS_WORKER_LOST_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=lost_before).values_list("id", flat=True))
    lost = {worker: ids for worker, ids in running_tasks_by_worker().items() if worker not in alive}
    count = requeue([task_id for ids in lost.values() for task_id in ids], f"worker(s) {', '.join(lost)} lost")
    WorkerHeartbeat.objects.filter(seen_at__lt=lost_before).delete()
    return count


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Heartbeat:
    """Registers a worker, beats for it from a thread, and forgets it when it stops."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.hostname = socket.gethostname()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, name=f"heartbeat-{worker_id}", daemon=True)

    def start(self) -> None:
        with transaction.atomic():
            previous = WorkerHeartbeat.objects.select_for_update().filter(pk=self.worker_id).first()
            if previous is not None and self.in_use(previous):
                raise CommandError(
                    f"Worker id {self.worker_id!r} is in use by process {previous.pid} on {previous.hostname}."
                )
            now = timezone.now()
            WorkerHeartbeat.objects.update_or_create(
                pk=self.worker_id,
                defaults={"hostname": self.hostname, "pid": os.getpid(), "started_at": now, "seen_at": now},
            )
        # Whatever this id left running belongs to a process that is gone.
        requeue(running_tasks_by_worker().get(self.worker_id, []), f"worker {self.worker_id} restarted")
        self.thread.start()

    def in_use(self, previous: WorkerHeartbeat) -> bool:
        """Whether another live process holds this id: its heartbeat is recent and, on this machine, its process
        still runs (a worker killed a moment ago and started again is not in the way of itself)."""
        recent = previous.seen_at >= timezone.now() - timedelta(seconds=settings.TASKS_WORKER_LOST_SECONDS)
        if not recent:
            return False
        if previous.hostname == self.hostname:
            return previous.pid != os.getpid() and pid_alive(previous.pid)
        return True

    def beat(self) -> None:
        try:
            while not self.stopped.wait(settings.TASKS_HEARTBEAT_SECONDS):
                try:
                    WorkerHeartbeat.objects.filter(pk=self.worker_id).update(seen_at=timezone.now())
                    requeue_lost_tasks()
                except Exception:
                    # A busy or unreachable database: beat again next time.
                    logger.warning("Worker %s could not write its heartbeat", self.worker_id, exc_info=True)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)
        WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()


class Worker(DatabaseWorker):
    """django-tasks-db's worker loop, run under a heartbeat."""

    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()
