import smtplib
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background import mail
from background.models import OutgoingMail

pytestmark = pytest.mark.django_db


def note(key="event:1:someone", to="someone@example.com", subject="Hello", **fields):
    return OutgoingMail(key=key, to=to, subject=subject, body="A message", **fields)


@pytest.fixture
def smtp_down(monkeypatch):
    """Every delivery fails as a stopped mail server makes it fail; `.up()` brings it back."""

    class Server:
        def __init__(self):
            self.error = ConnectionRefusedError(111, "Connection refused")

        def up(self):
            self.error = None

    server = Server()
    original = django_mail.EmailMessage.send

    def send(message, *args, **kwargs):
        if server.error:
            raise server.error
        return original(message, *args, **kwargs)

    monkeypatch.setattr(django_mail.EmailMessage, "send", send)
    return server


def test_queued_mail_is_recorded_in_one_query_and_sent_after_the_commit(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        transaction.atomic(),
        django_assert_num_queries(1),
    ):
        mail.queue_mail([note(key=f"event:1:{n}", to=f"reader{n}@example.com") for n in range(6)])
    assert django_mail.outbox == []
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"queued"}
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(f"reader{n}@example.com" for n in range(6))
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_the_same_event_queued_twice_is_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue_mail([note()])
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue_mail([note(subject="Hello again")])
    assert len(django_mail.outbox) == 1
    assert OutgoingMail.objects.get().subject == "Hello"


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    OutgoingMail.objects.bulk_create([note()])
    assert mail.deliver(["event:1:someone"], token="first") == {"sent": 1, "retried": 0, "failed": 0}
    assert mail.deliver(["event:1:someone"], token="second") == {"sent": 0, "retried": 0, "failed": 0}
    assert len(django_mail.outbox) == 1


def test_mail_held_by_another_delivery_is_left_to_it_and_taken_back_by_the_same_one():
    OutgoingMail.objects.bulk_create([note()])
    assert [m.key for m in mail.claim(["event:1:someone"], token="task-a")] == ["event:1:someone"]
    assert mail.deliver(["event:1:someone"], token="task-b")["sent"] == 0, "another delivery holds it"
    assert mail.deliver(["event:1:someone"], token="task-a")["sent"] == 1, "the same task, run again after a crash"
    assert len(django_mail.outbox) == 1


def test_an_expired_claim_lets_another_delivery_send_it():
    OutgoingMail.objects.bulk_create(
        [note(claimed_by="dead-task", claimed_until=timezone.now() - timedelta(seconds=1))]
    )
    assert mail.deliver(["event:1:someone"], token="task-b")["sent"] == 1


def test_every_attempt_carries_the_same_message_id_and_the_unsubscribe_headers():
    OutgoingMail.objects.bulk_create([note(headers={"List-Unsubscribe": "<https://example.org/u/>"})])
    row = OutgoingMail.objects.get()
    first, second = mail.as_message(row).message(), mail.as_message(row).message()
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"] != mail.as_message(note(key="event:2:someone")).message()["Message-ID"]
    assert first["List-Unsubscribe"] == "<https://example.org/u/>"


def test_a_failed_delivery_is_retried_later_with_a_doubling_delay(smtp_down, settings, database_queue):
    settings.MAIL_RETRY_SECONDS = 60
    OutgoingMail.objects.bulk_create([note()])
    before = timezone.now()
    assert mail.deliver(["event:1:someone"], token="t") == {"sent": 0, "retried": 1, "failed": 0}
    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts, row.claimed_until) == ("queued", 1, None)
    assert row.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert before + timedelta(seconds=60) <= row.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "background.tasks.deliver_mail"
    assert retry.args_kwargs == {"args": [["event:1:someone"]], "kwargs": {}}
    assert retry.run_after == row.next_attempt_at

    mail.deliver(["event:1:someone"], token="t")
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=119), "twice as long the second time"


def test_retry_delays_double_up_to_an_hour(settings):
    settings.MAIL_RETRY_SECONDS = 60
    assert [mail.retry_delay(n).total_seconds() for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_after_the_last_attempt_the_mail_is_marked_failed_with_its_error(smtp_down, settings, database_queue):
    settings.MAIL_MAX_ATTEMPTS = 3
    OutgoingMail.objects.bulk_create([note()])
    outcomes = [mail.deliver(["event:1:someone"], token="t") for _ in range(4)]
    assert [o["retried"] for o in outcomes] == [1, 1, 0, 0]
    assert [o["failed"] for o in outcomes] == [0, 0, 1, 0]
    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert "Connection refused" in row.last_error
    assert DBTaskResult.objects.count() == 2, "two retries were scheduled, none after the last attempt"


def test_a_refusal_for_good_fails_at_once_and_does_not_stop_the_rest(monkeypatch):
    original = django_mail.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == ["nobody@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"nobody@example.com": (550, b"No such user")})
        return original(message, *args, **kwargs)

    monkeypatch.setattr(django_mail.EmailMessage, "send", send)
    OutgoingMail.objects.bulk_create([note(key="e:1", to="nobody@example.com"), note(key="e:2")])
    assert mail.deliver(["e:1", "e:2"], token="t") == {"sent": 1, "retried": 0, "failed": 1}
    assert OutgoingMail.objects.get(key="e:1").status == "failed"
    assert [m.to for m in django_mail.outbox] == [["someone@example.com"]]


def test_a_connection_failure_leaves_the_rest_of_the_batch_for_the_retry(monkeypatch):
    sent = []

    def send(message, *args, **kwargs):
        sent.append(message.to)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(django_mail.EmailMessage, "send", send)
    OutgoingMail.objects.bulk_create([note(key=f"e:{n}") for n in range(3)])
    assert mail.deliver([f"e:{n}" for n in range(3)], token="t")["retried"] == 3
    assert len(sent) == 1, "one try at the connection, not one per message"
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}


def test_mail_built_elsewhere_goes_through_the_outbox_one_row_per_recipient(django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        "Welcome",
        "Plain text",
        "site@example.org",
        ["a@example.com"],
        cc=["b@example.com"],
        connection=mail.OutboxBackend(),
    )
    message.attach_alternative("<p>Rich</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
        send_mail("Second", "Text", None, ["c@example.com"], connection=mail.OutboxBackend())
    rows = {row.to: row for row in OutgoingMail.objects.all()}
    assert set(rows) == {"a@example.com", "b@example.com", "c@example.com"}
    assert (rows["a@example.com"].html_body, rows["a@example.com"].from_email) == ("<p>Rich</p>", "site@example.org")
    assert sorted(m.to[0] for m in django_mail.outbox) == ["a@example.com", "b@example.com", "c@example.com"]
    assert django_mail.outbox[0].alternatives[0][0] == "<p>Rich</p>"


def test_staff_send_failed_mail_again(django_capture_on_commit_callbacks):
    OutgoingMail.objects.bulk_create(
        [note(key="e:1", status="failed", attempts=8, last_error="timed out"), note(key="e:2", status="sent")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.send_again(OutgoingMail.objects.all()) == 1
    assert OutgoingMail.objects.get(key="e:1").status == "sent"
    assert len(django_mail.outbox) == 1, "mail already sent is not sent again"


def test_send_queued_mail_sends_what_is_due(capsys):
    from django.core.management import call_command

    OutgoingMail.objects.bulk_create(
        [
            note(key="due", next_attempt_at=timezone.now() - timedelta(minutes=5)),
            note(key="later", next_attempt_at=timezone.now() + timedelta(minutes=5)),
        ]
    )
    call_command("send_queued_mail")
    assert dict(OutgoingMail.objects.values_list("key", "status")) == {"due": "sent", "later": "queued"}
    assert "Sent 1" in capsys.readouterr().out
