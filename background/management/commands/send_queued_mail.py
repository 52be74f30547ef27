from django.core.management.base import BaseCommand
from django.utils import timezone

from background.mail import deliver
from background.models import OutgoingMail


class Command(BaseCommand):
    help = (
        "Send, in this process, the outbox's mail that is due and that no delivery holds: a safety net for cron "
        "where the queue may lose work (RQ, whose jobs die with a killed worker), and a way to retry by hand."
    )

    def handle(self, *args, **options):
        keys = list(
            OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at")
            .values_list("key", flat=True)
        )
        outcomes = {"sent": 0, "retried": 0, "failed": 0}
        token = f"command-{timezone.now().timestamp()}"
        for start in range(0, len(keys), 100):
            for outcome, count in deliver(keys[start : start + 100], token=token).items():
                outcomes[outcome] += count
        self.stdout.write("Sent {sent}, to be tried again {retried}, failed {failed}.".format(**outcomes))
