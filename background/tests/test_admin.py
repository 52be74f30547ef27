import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UserFactory
from background.models import OutgoingMail
from background.queue import enqueue_on_commit

from . import tasks

pytestmark = pytest.mark.django_db

MAIL_LIST = reverse("admin:background_outgoingmail_changelist")
TASK_LIST = reverse("admin:django_tasks_database_dbtaskresult_changelist")


@pytest.fixture
def failed_mail(db):
    return OutgoingMail.objects.create(
        key="comment:1:reply:2",
        to="sp@example.com",
        subject="Karen replied",
        body="…",
        status="failed",
        attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


def test_staff_see_failed_mail_with_its_error(client, superuser, failed_mail):
    client.force_login(superuser)
    page = client.get(MAIL_LIST, {"status__exact": "failed"}).content.decode()
    assert "Karen replied" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page


def test_staff_send_failed_mail_again_from_the_admin(
    client, superuser, failed_mail, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MAIL_LIST, {"action": "send_again", "_selected_action": [failed_mail.pk]})
    assert response.status_code == 302
    failed_mail.refresh_from_db()
    assert failed_mail.status == "sent"
    assert [m.to for m in django_mail.outbox] == [["sp@example.com"]]


def test_staff_without_the_permission_cannot_send_mail_again(client, failed_mail):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(MAIL_LIST, {"action": "send_again", "_selected_action": [failed_mail.pk]})
    assert response.status_code == 403
    failed_mail.refresh_from_db()
    assert failed_mail.status == "failed"


def test_staff_put_a_failed_task_back_on_the_queue(client, superuser, database_queue):
    enqueue_on_commit(tasks.remember, "again")
    task = DBTaskResult.objects.get()
    task.claim("w")
    task.set_failed(RuntimeError("boom"))
    client.force_login(superuser)
    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[task.pk])).content.decode()
    assert "RuntimeError: boom" in page

    response = client.post(TASK_LIST, {"action": "run_again", "_selected_action": [task.pk]})

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.finished_at) == (TaskResultStatus.READY, None)
    assert task in DBTaskResult.objects.ready()
