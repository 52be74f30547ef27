"""Gives every existing blog its owner's language and time zone, else the site's (what new blogs get)."""

from django.conf import settings
from django.db import migrations


def fill(apps, schema_editor):
    Blog = apps.get_model("posts", "Blog")
    for blog in Blog.objects.filter(language="").select_related("owner").iterator(chunk_size=500):
        blog.language = blog.owner.language or settings.LANGUAGE_CODE
        blog.time_zone = blog.time_zone or blog.owner.time_zone or settings.TIME_ZONE
        blog.save(update_fields=["language", "time_zone"])
    Blog.objects.filter(time_zone="").update(time_zone=settings.TIME_ZONE)


def empty(apps, schema_editor):
    apps.get_model("posts", "Blog").objects.update(language="", time_zone="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_language_time_zone"),
        ("posts", "0008_add_blog_language_time_zone"),
    ]

    operations = [migrations.RunPython(fill, empty)]
