from django.core.management.base import BaseCommand

from background.pruning import prune_all


class Command(BaseCommand):
    help = (
        "Delete the records kept only for a while (finished deliveries, sent mail, refused webmentions, seen "
        "signatures; see the README for how long each is kept). Safe to run at any time; run it daily from cron."
    )

    def handle(self, *args, **options):
        for name, count in prune_all().items():
            self.stdout.write(f"{name}: {count} deleted")
