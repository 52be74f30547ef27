"""Demo content for a new site: bloggers, readers, their posts and comment threads, and a staff account.

Does nothing if the site already has users.
"""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.policy import BLOGGERS_GROUP
from comments.models import Comment
from community.models import Follow
from demo.content import FOLLOWS, POSTS
from posts.markup import COMMENT_HTML, render_markdown
from posts.models import Blog
from posts.services import create_post

User = get_user_model()

STAFF_USERNAME = "admin"

PEOPLE = [
    # username, display name, bio
    ("karen", "Karen", "Writes about work, weather and the small victories of ordinary weeks."),
    ("sp", "sp", "Reader, occasional commenter, long-time friend of Karen's blog."),
    ("marguerite", "Marguerite Okafor", "Gardener and amateur historian. Notes from a small allotment."),
    ("tomasz", "Tomasz Wrona", "Software by day, bread by night."),
    ("dana", "Dana Whitfield", "Reads everything, bakes badly, asks a lot of questions."),
]

BLOGS = {
    "karen": ("Ordinary Weeks", "Work, weather and the small victories in between."),
    "marguerite": ("Notes from Plot 14", "An allotment, its history and its slugs."),
    "tomasz": ("Crumb and Compile", "Bread, software, and the odd overlap."),
}


class Command(BaseCommand):
    help = "Create demo bloggers, readers, posts with comment threads and a staff account, unless the site has users."

    def handle(self, *args, **options):
        if User.objects.exists():
            self.stdout.write("The database already has content; seed_demo left it alone.")
            return
        with transaction.atomic():
            password = secrets.token_urlsafe(12)
            staff = User.objects.create_superuser(STAFF_USERNAME, "admin@example.com", password)
            staff.display_name = "Site staff"
            staff.save(update_fields=["display_name"])
            people = {}
            for username, display_name, bio in PEOPLE:
                user = User.objects.create_user(
                    username, f"{username}@example.com", "demo-password", display_name=display_name, bio=bio
                )
                EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
                people[username] = user
            # The demo bloggers keep writing when OPEN_AUTHORING is off.
            bloggers, _ = Group.objects.get_or_create(name=BLOGGERS_GROUP)
            for username, (title, description) in BLOGS.items():
                Blog.objects.update_or_create(
                    owner=people[username], defaults={"title": title, "description": description}
                )
                people[username].groups.add(bloggers)
            post_count = comment_count = 0
            now = timezone.now()
            for author, days_ago, title, labels, body, threads in POSTS:
                published_at = now - timedelta(days=days_ago, hours=(len(title) % 7) + 2)
                post = create_post(
                    author=people[author],
                    title=title,
                    body=body,
                    labels=labels,
                    status="published",
                    published_at=published_at,
                )
                post_count += 1
                comment_count += add_threads(post, threads, people=people, parent=None, after=published_at, now=now)
            # After the posts, so that seeding announces nothing to anyone.
            for follower, blogger, delivery in FOLLOWS:
                Follow.objects.create(follower=people[follower], blog=people[blogger].blog, delivery=delivery)
        self.stdout.write(self.style.SUCCESS(f"Demo content created: {post_count} posts, {comment_count} comments."))
        self.stdout.write(f"Staff account: {STAFF_USERNAME} / {password}  (shown once; sign in at /admin/)")
        self.stdout.write("Demo bloggers and readers sign in with the password 'demo-password'.")


def add_threads(post, threads, *, people, parent, after, now) -> int:
    """Add the comments of `threads` (see demo.content) under `parent`, each written some minutes after
    the one it answers; returns how many were added."""
    added = 0
    for entry in threads:
        username, minutes, text, replies = entry[:4]
        status = entry[4] if len(entry) > 4 else Comment.Status.APPROVED
        written = min(after + timedelta(minutes=minutes), now - timedelta(minutes=1))
        comment = Comment.objects.create_in_thread(
            post=post,
            author=people[username],
            parent=parent,
            body=text,
            body_html=render_markdown(text, allow=COMMENT_HTML),
            status=status,
        )
        comment.created_at = written
        Comment.objects.filter(pk=comment.pk).update(created_at=written)
        added += 1 + add_threads(post, replies, people=people, parent=comment, after=written, now=now)
    return added
