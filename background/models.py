from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutgoingMail(models.Model):
    """One email to one recipient about one event: the outbox.

    A request records the mail it causes in its own transaction (so a rolled-back request sends nothing), and
    a task delivers it after the commit. `key` names the event and the recipient: recording the same key
    twice keeps the first row, and a row is sent once however often its delivery runs (see mail.py).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", pgettext_lazy("mail status", "Sent")
        FAILED = "failed", pgettext_lazy("mail status", "Failed")

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.TextField()
    body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a queued mail is due (its next try after a failure), for the health check and `send_queued_mail`.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The delivery task that is sending it now, until when: another task leaves it alone meanwhile, and the same
    # task run again (after its worker died) takes it back at once.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]), name="background_outgoingmail_status_valid"
            ),
        ]
        indexes = [
            # The mail still to send, oldest due first; sent mail is the bulk of the table and stays out of it.
            models.Index(fields=["next_attempt_at"], name="background_mail_queued", condition=Q(status="queued")),
            models.Index(fields=["status", "-created_at"], name="background_mail_status"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class WorkerHeartbeat(models.Model):
    """A running `run_worker` process of the database queue, as it last reported itself.

    Each worker writes `seen_at` every TASKS_HEARTBEAT_SECONDS. A task left running by a worker that has been
    silent for TASKS_WORKER_LOST_SECONDS (killed, out of memory, its machine gone) goes back on the queue.
    """

    id = models.CharField(primary_key=True, max_length=64)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self):
        return f"{self.id} (pid {self.pid} on {self.hostname})"
