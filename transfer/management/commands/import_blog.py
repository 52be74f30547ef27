from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from transfer.importer import ImportBusy, abandon_unfinished_jobs, failure_of, import_blog
from transfer.report import failure_text
from transfer.xmlstream import ImportFileError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2), a Blogger export (classic Atom or Takeout feed.atom) or a "
        "Blogsite export into a user's blog. Running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file")
        parser.add_argument("--author", required=True, help="username of the blog to import into")
        parser.add_argument(
            "--map-users",
            action="store_true",
            help="make comments that the file attributes to a username the comments of this site's active "
            "account of that name (by default they are the importing blogger's when the file says the post's "
            "author wrote them, and guests' otherwise)",
        )

        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help="bring the pictures posts show from the old blog's own hosts into this site (see the README)",
        )
        parser.add_argument(
            "--abandon-unfinished",
            action="store_true",
            help="first remove what an earlier import into this blog left unfinished (its process was killed)",
        )

    def handle(self, *args, file, author, map_users=False, abandon_unfinished=False, fetch_images=False, **options):
        User = get_user_model()
        try:
            user = User.objects.named(author).get()
        except User.DoesNotExist:
            raise CommandError(f"no user named {author!r}") from None
        if abandon_unfinished:
            count = abandon_unfinished_jobs(owner=user)
            self.stdout.write(f"removed what {count} unfinished import(s) had brought in")
        bar = ProgressBar(self.stdout, tty=hasattr(self.stdout, "isatty") and self.stdout.isatty())
        try:
            summary = import_blog(
                path=file, author=user, progress=bar.update, map_users=map_users, fetch_images=fetch_images
            )
        except ImportBusy as exc:
            raise CommandError(
                f"{exc}; if it is not (its process was killed), add --abandon-unfinished (nothing was imported)"
            ) from None
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{file}: a directory, not an export file") from None
        except ImportFileError as exc:
            bar.finish()
            raise CommandError(failure_text(failure_of(exc), file_name=file)) from None
        bar.finish()
        for line in summary.lines():
            self.stdout.write(line)


class ProgressBar:
    """A bar redrawn in place on a terminal; elsewhere a line of counts at every tenth of the file."""

    WIDTH = 30

    def __init__(self, out, *, tty: bool):
        self.out = out
        self.tty = tty
        self.last_tenth = -1
        self.last_done = 0
        self.drawn = False

    def update(self, done: int, total: int, summary) -> None:
        if done < self.last_done:
            # Blogger's files are read twice: posts, then comments.
            self.last_tenth = -1
        self.last_done = done
        fraction = done / total if total else 1.0
        counts = f"posts {summary.posts + summary.drafts}  comments {summary.comments_read}"
        if self.tty:
            filled = int(fraction * self.WIDTH)
            self.out.write(f"\r[{'#' * filled}{' ' * (self.WIDTH - filled)}] {fraction:4.0%}  {counts}", ending="")
            self.out.flush()
            self.drawn = True
            return
        tenth = int(fraction * 10)
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.out.write(f"{fraction:4.0%} read  {counts}")

    def finish(self) -> None:
        if self.drawn:
            self.out.write("")
            self.drawn = False
            self.out.flush()
