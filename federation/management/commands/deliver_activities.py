from django.core.management.base import BaseCommand

from federation.delivery import deliver
from federation.models import Delivery


class Command(BaseCommand):
    help = "Try every waiting fediverse delivery once now (for a task backend that cannot schedule retries)."

    def handle(self, *args, **options):
        ids = list(Delivery.objects.filter(status=Delivery.Status.QUEUED).order_by("pk").values_list("pk", flat=True))
        outcomes = [deliver(pk) for pk in ids]
        self.stdout.write(f"{len(ids)} deliveries tried: {outcomes.count('delivered')} delivered.")
