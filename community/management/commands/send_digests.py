from django.core.management.base import BaseCommand

from community.digest import send_digests


class Command(BaseCommand):
    help = (
        "Send the weekly digest: to each member, the new posts of the blogs they follow by digest; to each guest "
        "subscriber who chose it, their blog's posts since the last one. Run it once a week (cron); running it "
        "again at once sends nothing more."
    )

    def handle(self, *args, **options):
        sent = send_digests()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} queued.")
