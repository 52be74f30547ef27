from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.models import OutgoingMail, WorkerHeartbeat
from background.queue import enqueue_on_commit

from . import tasks

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def queue_task(*, waited: timedelta, status=TaskResultStatus.READY, **fields):
    enqueue_on_commit(tasks.remember, 1)
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited, status=status, **fields)


def test_healthz_answers_ok_in_plain_text_by_default(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content, response["Content-Type"]) == (200, b"ok", "text/plain")
    assert "Accept" in response["Vary"]


def test_healthz_reports_the_queue_as_json_to_a_client_that_asks(client, database_queue, settings):
    settings.TASKS_MAX_WAIT_SECONDS = 300
    queue_task(waited=timedelta(seconds=42))
    queue_task(waited=timedelta(hours=1), status=TaskResultStatus.FAILED)
    queue_task(waited=timedelta(hours=2), status=TaskResultStatus.SUCCESSFUL)
    OutgoingMail.objects.create(key="a", to="a@example.com", subject="s", body="b", status="failed")
    WorkerHeartbeat.objects.create(id="w1", hostname="h", pid=1, started_at=timezone.now(), seen_at=timezone.now())

    response = client.get("/healthz", **JSON)

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"] == "ok"
    queue = report["queue"]
    assert 42 <= queue["oldest_wait_seconds"] < 60
    assert {k: queue[k] for k in ("backend", "waiting", "running", "failed", "workers", "max_wait_seconds")} == {
        "backend": "database",
        "waiting": 1,
        "running": 0,
        "failed": 1,
        "workers": 1,
        "max_wait_seconds": 300,
    }
    assert queue["mail"] == {"queued": 0, "failed": 1}


@pytest.mark.parametrize("accept", ["application/json", "text/plain"])
def test_healthz_is_503_when_the_oldest_task_has_waited_too_long(client, database_queue, settings, accept):
    settings.TASKS_MAX_WAIT_SECONDS = 300
    queue_task(waited=timedelta(seconds=301))

    response = client.get("/healthz", HTTP_ACCEPT=accept)

    assert response.status_code == 503
    if accept == "application/json":
        assert response.json()["queue"]["oldest_wait_seconds"] >= 301
        assert response.json()["status"].startswith("task queue behind")
    else:
        assert response.content.startswith(b"task queue behind: the oldest task has waited 30")


def test_a_retry_waits_from_when_it_is_due_not_from_when_it_was_queued(client, database_queue, settings):
    settings.TASKS_MAX_WAIT_SECONDS = 300
    queue_task(waited=timedelta(hours=1), run_after=timezone.now() - timedelta(seconds=10))
    queue_task(waited=timedelta(hours=1), run_after=timezone.now() + timedelta(hours=1))

    report = client.get("/healthz", **JSON).json()["queue"]

    assert 10 <= report["oldest_wait_seconds"] < 30
    assert report["waiting"] == 1, "a task not yet due is not waiting"


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    plain = client.get("/healthz")
    json = client.get("/healthz", **JSON)
    assert (plain.status_code, plain.content) == (503, b"database unavailable")
    assert (json.status_code, json.json()["database"], json.json()["queue"]) == (503, "unavailable", None)


def test_healthz_is_503_when_the_queue_cannot_be_read(client, monkeypatch):
    def broken():
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("blogsite.views.queue_health", broken)
    response = client.get("/healthz", **JSON)
    assert (response.status_code, response.json()["status"]) == (503, "task queue unavailable")


def test_with_immediate_tasks_nothing_waits(client):
    report = client.get("/healthz", **JSON).json()["queue"]
    assert (report["backend"], report["waiting"], report["oldest_wait_seconds"]) == ("immediate", 0, 0)
