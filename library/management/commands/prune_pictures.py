from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from library.models import Picture


class Command(BaseCommand):
    help = (
        "Delete files under library/ that no picture refers to and that are older than --hours: left by an "
        "upload whose transaction was rolled back (an import that failed later, say) or by a picture deleted "
        "while its renditions were being made. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=24, help="leave files younger than this (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="list what would go, delete nothing")

    def handle(self, *args, hours, dry_run, **options):
        if hours < 1:
            raise CommandError("--hours must be at least 1: a younger file may belong to an upload in progress.")
        cutoff = timezone.now() - timedelta(hours=hours)
        storage = default_storage
        try:
            owners, _ = storage.listdir("library")
        except FileNotFoundError:
            owners = []
        if not owners:
            self.stdout.write("No pictures stored: nothing to prune.")
            return
        found = 0
        for owner in sorted(owners):
            if not owner.isdigit():
                continue
            # One query per owner's folder, so that memory stays that of the largest library.
            known = set()
            for name, renditions in Picture.objects.filter(owner_id=int(owner)).values_list("file", "renditions"):
                known.add(name)
                known.update(r["name"] for r in renditions)
            _, files = storage.listdir(f"library/{owner}")
            for filename in sorted(files):
                name = f"library/{owner}/{filename}"
                if name in known or storage.get_modified_time(name) >= cutoff:
                    continue
                found += 1
                self.stdout.write(("Would delete " if dry_run else "Deleting ") + name)
                if not dry_run:
                    storage.delete(name)
        self.stdout.write(f"{found} file{'s' if found != 1 else ''} no picture refers to.")
