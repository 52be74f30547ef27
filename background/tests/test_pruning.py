"""Pruning: sent mail goes after MAIL_KEEP_DAYS, every app's pruner runs from one command, and the tasks that
write such records queue a pruning run at most once an hour."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.models import OutgoingMail
from background.pruning import PRUNERS, delete_in_batches, prune_now_and_then

pytestmark = pytest.mark.django_db


def mail(key: str, status: str, *, days_old: float) -> OutgoingMail:
    row = OutgoingMail.objects.create(key=key, to="someone@example.com", subject="Hi", body="Hello.", status=status)
    OutgoingMail.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return row


def test_sent_and_failed_mail_older_than_the_setting_goes_and_waiting_mail_stays(settings):
    settings.MAIL_KEEP_DAYS = 90
    mail("old-sent", "sent", days_old=91)
    mail("old-failed", "failed", days_old=91)
    mail("old-queued", "queued", days_old=200)
    mail("recent-sent", "sent", days_old=89)

    call_command("prune_records", stdout=StringIO())

    assert set(OutgoingMail.objects.values_list("key", flat=True)) == {"old-queued", "recent-sent"}


def task(status: str, *, days_since_finished: float | None) -> DBTaskResult:
    finished_at = None if days_since_finished is None else timezone.now() - timedelta(days=days_since_finished)
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="background.tasks.prune_records",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=finished_at,
    )


def test_finished_tasks_older_than_the_setting_go_and_waiting_or_running_ones_stay(settings):
    settings.TASKS_KEEP_DAYS = 14
    old_done, old_failed = task("SUCCESSFUL", days_since_finished=15), task("FAILED", days_since_finished=15)
    recent = task("SUCCESSFUL", days_since_finished=13)
    waiting, running = task("READY", days_since_finished=None), task("RUNNING", days_since_finished=None)

    call_command("prune_records", stdout=StringIO())

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk, running.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists()


def test_the_command_runs_every_apps_pruner_and_says_how_many_each_deleted(capsys):
    mail("old-sent", "sent", days_old=365)

    call_command("prune_records")

    out = capsys.readouterr().out
    assert "sent and failed mail: 1 deleted" in out
    for name in (
        "seen signatures",
        "finished deliveries",
        "outgoing activities",
        "webmention receipts",
        "finished tasks",
    ):
        assert name in PRUNERS and f"{name}: 0 deleted" in out


def test_batches_delete_everything_or_stop_at_the_limit():
    for n in range(5):
        mail(f"m{n}", "sent", days_old=365)

    assert delete_in_batches(OutgoingMail.objects.all(), limit=3, batch=2) == 3
    assert OutgoingMail.objects.count() == 2
    assert delete_in_batches(OutgoingMail.objects.all(), batch=10) == 2
    assert not OutgoingMail.objects.exists()


def test_a_pruning_run_is_queued_at_most_once_an_hour(database_queue):
    assert prune_now_and_then() is True
    assert prune_now_and_then() is False

    assert DBTaskResult.objects.filter(task_path="background.tasks.prune_records").count() == 1


def test_delivering_mail_prunes_old_mail_now_and_then(settings, django_capture_on_commit_callbacks):
    from background.mail import queue_mail

    mail("old-sent", "sent", days_old=365)
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail([OutgoingMail(key="new", to="karen@example.com", subject="Hello", body="A message")])

    assert not OutgoingMail.objects.filter(key="old-sent").exists()
    assert OutgoingMail.objects.get(key="new").status == "sent"
