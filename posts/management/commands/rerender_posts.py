from django.core.management.base import BaseCommand

from posts.models import Post


class Command(BaseCommand):
    help = (
        "Render every Markdown post's stored HTML again with the current Markdown pipeline, saving only the "
        "posts whose HTML changes (their pages are invalidated as on any edit). Stored HTML was sanitized when "
        "it was saved, so this is for consistency (footnotes, for instance), not safety; posts also re-render "
        "whenever they are edited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count the posts that would change; save none")

    def handle(self, *args, dry_run=False, **options):
        checked = changed = 0
        posts = Post.objects.filter(body_format=Post.BodyFormat.MARKDOWN).only("pk", "body", "body_html")
        for post in posts.iterator(chunk_size=500):
            checked += 1
            if Post.render_body(post.body) == post.body_html:
                continue
            changed += 1
            if not dry_run:
                # `save` renders the body again and tells the page cache, as an edit would.
                Post.objects.get(pk=post.pk).save(update_fields=["body_html"])
        verb = "would change" if dry_run else "re-rendered"
        self.stdout.write(f"{checked} Markdown post{'s' if checked != 1 else ''} checked, {changed} {verb}.")
