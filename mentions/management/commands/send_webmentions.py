from collections import Counter

from django.core.management.base import BaseCommand

from mentions.models import Outgoing
from mentions.services import send_webmention


class Command(BaseCommand):
    help = (
        "Try, in this process, every webmention still waiting to be sent: where the task backend cannot schedule "
        "retries (the immediate one), and a way to retry by hand."
    )

    def handle(self, *args, **options):
        waiting = Outgoing.objects.filter(status=Outgoing.Status.QUEUED).order_by("pk").values_list("pk", flat=True)
        outcomes = Counter(send_webmention(pk) for pk in list(waiting))
        self.stdout.write(
            f"Sent {outcomes['sent']}, no endpoint {outcomes['no_endpoint']}, "
            f"to be tried again {outcomes['queued']}, failed {outcomes['failed']}."
        )
