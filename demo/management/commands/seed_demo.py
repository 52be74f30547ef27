"""Demo content for a new site: bloggers, readers and a staff account. Does nothing if content exists."""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

User = get_user_model()

STAFF_USERNAME = "admin"

PEOPLE = [
    # username, display name, bio
    ("karen", "Karen", "Writes about work, weather and the small victories of ordinary weeks."),
    ("sp", "sp", "Reader, occasional commenter, long-time friend of Karen's blog."),
    ("marguerite", "Marguerite Okafor", "Gardener and amateur historian. Notes from a small allotment."),
    ("tomasz", "Tomasz Wrona", "Software by day, bread by night."),
]


class Command(BaseCommand):
    help = "Create demo bloggers, readers and a staff account, unless the site already has users."

    def handle(self, *args, **options):
        if User.objects.exists():
            self.stdout.write("The database already has content; seed_demo left it alone.")
            return
        with transaction.atomic():
            password = secrets.token_urlsafe(12)
            staff = User.objects.create_superuser(STAFF_USERNAME, "admin@example.com", password)
            staff.display_name = "Site staff"
            staff.save(update_fields=["display_name"])
            for username, display_name, bio in PEOPLE:
                user = User.objects.create_user(
                    username, f"{username}@example.com", "demo-password", display_name=display_name, bio=bio
                )
                EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        self.stdout.write(self.style.SUCCESS("Demo content created."))
        self.stdout.write(f"Staff account: {STAFF_USERNAME} / {password}  (shown once; sign in at /admin/)")
        self.stdout.write("Demo bloggers sign in with the password 'demo-password'.")
