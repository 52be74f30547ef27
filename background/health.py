"""How the queue is doing, for /healthz: how long the oldest due task has waited, and what failed."""

from datetime import UTC, timedelta

from django.conf import settings
from django.db.models import Case, Count, F, Min, Q, When
from django.utils import timezone
from django_tasks import TaskResultStatus

from .models import OutgoingMail, WorkerHeartbeat


def queue_health() -> dict:
    """The queue's state as JSON values; `healthy` is False once the oldest due task has waited longer than
    TASKS_MAX_WAIT_SECONDS. Three queries on the database backend (two on the others), plus Redis on RQ."""
    backend = settings.TASKS_BACKEND
    if backend == "database":
        tasks = database_queue()
    elif backend == "rq":
        tasks = rq_queue()
    else:
        # Tasks run in the web process as their transaction commits: nothing ever waits.
        tasks = {"waiting": 0, "oldest_wait_seconds": 0, "running": None, "failed": None, "workers": None}
    mail = OutgoingMail.objects.filter(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.FAILED]).aggregate(
        queued=Count("pk", filter=Q(status=OutgoingMail.Status.QUEUED)),
        failed=Count("pk", filter=Q(status=OutgoingMail.Status.FAILED)),
    )
    return {
        "backend": backend,
        **tasks,
        "max_wait_seconds": settings.TASKS_MAX_WAIT_SECONDS,
        "healthy": tasks["oldest_wait_seconds"] <= settings.TASKS_MAX_WAIT_SECONDS,
        "mail": mail,
    }


def database_queue() -> dict:
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    # A task waits from when it is due: when it was queued, or, for one deferred (a retry), its run_after.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    waiting = DBTaskResult.objects.ready().aggregate(count=Count("pk"), since=Min(due_since))
    counts = DBTaskResult.objects.filter(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.FAILED]).aggregate(
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
    )
    lost_before = now - timedelta(seconds=settings.TASKS_WORKER_LOST_SECONDS)
    return {
        "waiting": waiting["count"],
        "oldest_wait_seconds": age(waiting["since"], now),
        **counts,
        "workers": WorkerHeartbeat.objects.filter(seen_at__gte=lost_before).count(),
    }


def rq_queue() -> dict:
    from django_rq import get_queue
    from rq import Worker
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    queues = [get_queue(name) for name in settings.TASKS["default"]["QUEUES"]]
    now = timezone.now()
    oldest = None
    for queue in queues:
        first = queue.get_jobs(0, 1)
        if first and first[0].enqueued_at and (oldest is None or first[0].enqueued_at < oldest):
            oldest = first[0].enqueued_at
    if oldest is not None and timezone.is_naive(oldest):
        oldest = oldest.replace(tzinfo=UTC)
    return {
        "waiting": sum(queue.count for queue in queues),
        "oldest_wait_seconds": age(oldest, now),
        "running": sum(StartedJobRegistry(queue=queue).count for queue in queues),
        "failed": sum(FailedJobRegistry(queue=queue).count for queue in queues),
        "workers": len({worker.name for queue in queues for worker in Worker.all(queue=queue)}),
    }


def age(since, now) -> float:
    return round(max((now - since).total_seconds(), 0.0), 1) if since else 0
