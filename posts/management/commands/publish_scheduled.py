from django.core.management.base import BaseCommand

from posts.services import publish_due_posts


class Command(BaseCommand):
    help = (
        "Publish scheduled posts whose time has come and send their announcements. Safe to run every minute "
        "and from several machines at once: each post is switched and announced once."
    )

    def handle(self, *args, **options):
        published = publish_due_posts()
        for post in published:
            self.stdout.write(f"Published {post.author.username}/{post.slug} ({post.published_at:%Y-%m-%d %H:%M} UTC)")
        if options["verbosity"] >= 1:
            self.stdout.write(f"{len(published)} scheduled post{'s' if len(published) != 1 else ''} published.")
