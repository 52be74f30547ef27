"""The outbox: every email the site sends is recorded with the work that causes it, then delivered by a task.

    mails = [render_mail(key=f"comment:{comment.pk}:reply:{user.pk}", to=user.email,
                         template="comments/email/reply", context={...}, language=user.language)]
    queue_mail(mails)

`queue_mail` writes the rows in the caller's transaction (one INSERT, whatever their number) and queues their
delivery on commit: a rolled-back request sends nothing, and nothing is lost when the mail server is down. The
key names the event and the recipient, so that recording the same event twice sends one email.

Delivery (`deliver`) sends each row that is still queued and records it as sent at once. A failure is recorded
with its error and tried again after MAIL_RETRY_SECONDS, then twice as long each time, up to MAIL_MAX_ATTEMPTS
attempts; then the row is marked failed, for staff to read and send again from the admin. An SMTP answer in the
5xx range (address refused, say) fails at once: trying again would not change it.

Code that builds its own `EmailMessage` (allauth does) sends it through the outbox with
`message.connection = OutboxBackend()`, or `send_mail(..., connection=OutboxBackend())`.
"""

import hashlib
import logging
import smtplib
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutgoingMail
from .pruning import delete_in_batches, register
from .queue import backoff, enqueue_later_on_commit, enqueue_on_commit

logger = logging.getLogger(__name__)

# How long a delivery task may take to send one batch before another task may take its mail over. Far longer
# than EMAIL_TIMEOUT allows one message to take; the same task, run again after its worker died, takes its
# mail back at once whatever this says.
CLAIM_SECONDS = 600
# Retries are never further apart than this.
MAX_RETRY_DELAY = timedelta(hours=1)


def render_mail(
    *, key: str, to: str, template: str, context: dict, language: str, headers: dict | None = None
) -> OutgoingMail:
    """An unsaved outbox row: the subject from `<template>_subject.txt` (on one line), the text from
    `<template>.txt`, and an HTML part from `<template>.html` when that template exists.

    All of it in `language`, the recipient's (their profile's; empty: the site's LANGUAGE_CODE), never in that
    of the request or task that happens to cause the mail. Every caller says it, so that none forgets."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
        try:
            html_body = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html_body = ""
    return OutgoingMail(key=key, to=to, subject=subject, body=body, html_body=html_body, headers=headers or {})


def queue_mail(mails: Iterable[OutgoingMail]) -> list[str]:
    """Record `mails` (one INSERT; a key already recorded keeps its first row) and deliver them after the
    transaction commits. Returns their keys."""
    mails = list(mails)
    if not mails:
        return []
    now = timezone.now()
    for mail in mails:
        mail.next_attempt_at = now
    OutgoingMail.objects.bulk_create(mails, ignore_conflicts=True, batch_size=len(mails))
    keys = [mail.key for mail in mails]
    from .tasks import deliver_mail

    enqueue_on_commit(deliver_mail, keys)
    return keys


class OutboxBackend(BaseEmailBackend):
    """An email backend that records messages in the outbox instead of sending them: one row per recipient
    (To, Cc and Bcc), each under a key of its own, delivered after the transaction commits."""

    def send_messages(self, email_messages) -> int:
        mails = []
        for message in email_messages:
            alternatives = getattr(message, "alternatives", [])
            html_body = next((content for content, mimetype in alternatives if mimetype == "text/html"), "")
            if message.content_subtype == "html" and not html_body:
                body, html_body = "", message.body
            else:
                body = message.body
            event = uuid.uuid4().hex
            for index, recipient in enumerate(message.recipients()):
                mails.append(
                    OutgoingMail(
                        key=f"message:{event}:{index}",
                        to=recipient,
                        from_email=message.from_email or "",
                        subject=message.subject,
                        body=body,
                        html_body=html_body,
                        headers=dict(message.extra_headers),
                    )
                )
        queue_mail(mails)
        return len(email_messages)


def message_id(mail: OutgoingMail) -> str:
    """The same Message-ID for every attempt at one row: should a message ever go out twice (the worker killed
    between the server's acceptance and the record of it), mail clients show it once."""
    digest = hashlib.sha256(mail.key.encode()).hexdigest()[:32]
    return f"<{digest}@{DNS_NAME}>"


def as_message(mail: OutgoingMail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email or None,
        to=[mail.to],
        headers={**mail.headers, "Message-ID": message_id(mail)},
        connection=connection,
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


def claim(keys: Iterable[str], *, token: str) -> list[OutgoingMail]:
    """Take the queued rows among `keys` that no other delivery holds, for CLAIM_SECONDS. Two queries."""
    now = timezone.now()
    keys = list(keys)
    OutgoingMail.objects.filter(key__in=keys, status=OutgoingMail.Status.QUEUED).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now) | Q(claimed_by=token)
    ).update(claimed_by=token, claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    return list(
        OutgoingMail.objects.filter(key__in=keys, status=OutgoingMail.Status.QUEUED, claimed_by=token).order_by("pk")
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: MAIL_RETRY_SECONDS, doubling, at most an hour."""
    return backoff(attempts, first_seconds=settings.MAIL_RETRY_SECONDS, most=MAX_RETRY_DELAY)


def is_permanent(error: Exception) -> bool:
    """Whether the mail server refused for good (a 5xx answer), so that trying again would not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def deliver(keys: Iterable[str], *, token: str) -> dict[str, int]:
    """Send the queued rows among `keys`, over one connection, and record each outcome as soon as it is known.

    `token` identifies the delivery (the task's id): a row held by another delivery is left to it. Rows that
    fail and may be tried again are queued once more for their next attempt. When the connection itself fails
    (server down, timeout), the rest of the batch waits for that retry rather than each trying in turn.
    Returns how many rows were sent, retried and failed.
    """
    mails = claim(keys, token=token)
    outcomes = {"sent": 0, "retried": 0, "failed": 0}
    retries: dict = {}

    def failed(mail: OutgoingMail, error: Exception) -> None:
        outcome = record_failure(mail, error, token=token)
        outcomes[outcome] += 1
        if outcome == "retried":
            retries.setdefault(mail.next_attempt_at, []).append(mail.key)

    if not mails:
        return outcomes
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        for mail in mails:
            failed(mail, error)
    else:
        try:
            for index, mail in enumerate(mails):
                try:
                    as_message(mail, connection=connection).send()
                except Exception as error:
                    failed(mail, error)
                    if not is_answer(error):
                        for rest in mails[index + 1 :]:
                            failed(rest, error)
                        break
                else:
                    record_sent(mail, token=token)
                    outcomes["sent"] += 1
        finally:
            try:
                connection.close()
            except Exception:
                logger.warning("Could not close the mail connection cleanly", exc_info=True)
    for when, retry_keys in retries.items():
        schedule_delivery(retry_keys, when=when)
    return outcomes


def is_answer(error: Exception) -> bool:
    """Whether the mail server answered (refusing one message), as against the connection failing."""
    return isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def record_sent(mail: OutgoingMail, *, token: str) -> None:
    OutgoingMail.objects.filter(pk=mail.pk, claimed_by=token).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, claimed_until=None
    )


def record_failure(mail: OutgoingMail, error: Exception, *, token: str) -> str:
    """Record a failed attempt at `mail`: "retried" when it is to be tried again, "failed" when it is given up."""
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if is_permanent(error) or mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
        mail.status = OutgoingMail.Status.FAILED
        mail.next_attempt_at = None
        logger.error("Gave up mail %s to %s after %d attempts: %s", mail.key, mail.to, mail.attempts, mail.last_error)
    else:
        mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
        logger.warning(
            "Mail %s to %s failed (attempt %d), next try at %s: %s",
            mail.key,
            mail.to,
            mail.attempts,
            mail.next_attempt_at.isoformat(),
            mail.last_error,
        )
    OutgoingMail.objects.filter(pk=mail.pk, claimed_by=token).update(
        status=mail.status,
        attempts=mail.attempts,
        last_error=mail.last_error,
        next_attempt_at=mail.next_attempt_at,
        claimed_until=None,
    )
    return "failed" if mail.status == OutgoingMail.Status.FAILED else "retried"


def schedule_delivery(keys: list[str], *, when) -> None:
    """Queue the delivery of `keys` for `when`. A backend that cannot defer work (the immediate one) leaves
    them to `manage.py send_queued_mail`."""
    from .tasks import deliver_mail

    if not enqueue_later_on_commit(deliver_mail, when, keys):
        logger.warning("The task backend cannot schedule retries: run `manage.py send_queued_mail` to send them")


def send_again(mails: Iterable[OutgoingMail]) -> int:
    """Queue failed (or still queued) rows for delivery now, with a fresh count of attempts; for staff."""
    keys = [mail.key for mail in mails if mail.status != OutgoingMail.Status.SENT]
    if not keys:
        return 0
    OutgoingMail.objects.filter(key__in=keys).exclude(status=OutgoingMail.Status.SENT).update(
        status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )
    from .tasks import deliver_mail

    enqueue_on_commit(deliver_mail, keys)
    return len(keys)


@register("sent and failed mail")
def prune_mail(now, limit: int | None) -> int:
    """Delete sent and failed mail older than MAIL_KEEP_DAYS (a queued row always stays)."""
    old = OutgoingMail.objects.filter(
        status__in=[OutgoingMail.Status.SENT, OutgoingMail.Status.FAILED],
        created_at__lt=now - timedelta(days=settings.MAIL_KEEP_DAYS),
    )
    return delete_in_batches(old, limit=limit)
