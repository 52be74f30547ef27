from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from transfer.exporter import EXPORTERS


class Command(BaseCommand):
    help = (
        "Export one blog (posts, drafts, labels, comments with their reply tree) as a WordPress WXR file or as "
        "Blogsite's JSON; import_blog reads both back."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="whose blog to export")
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="wxr", help="wxr (default) or json")
        parser.add_argument("-o", "--output", required=True, help="file to write, or - for standard output")
        parser.add_argument(
            "--site-url",
            default="http://localhost:8000",
            help="the site's address, for the permalinks in the file (default http://localhost:8000)",
        )

    def handle(self, *args, username, format, output, site_url, **options):
        User = get_user_model()
        try:
            author = User.objects.named(username).get()
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        export, _, _ = EXPORTERS[format]
        chunks = export(author=author, site_url=site_url)
        if output == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as fh:
                for chunk in chunks:
                    fh.write(chunk)
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror}") from None
        self.stdout.write(f"Exported {author.username}'s blog as {format} to {output}")
