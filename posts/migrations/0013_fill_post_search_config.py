"""Existing posts get the text search configuration of their blog's language (migration 0012 gave them the
site's); on PostgreSQL their search vectors are built again with it."""

from django.db import migrations

from posts.languages import language_or_default, search_config_for, site_search_config

BATCH = 500


def forward(apps, schema_editor):
    Blog = apps.get_model("posts", "Blog")
    Post = apps.get_model("posts", "Post")
    owners: dict[str, list[int]] = {}
    for owner_id, language in Blog.objects.values_list("owner_id", "language").iterator(chunk_size=BATCH):
        owners.setdefault(search_config_for(language_or_default(language)), []).append(owner_id)
    for config, ids in owners.items():
        for start in range(0, len(ids), BATCH):
            posts = Post.objects.filter(author_id__in=ids[start : start + BATCH]).exclude(search_config=config)
            posts.update(search_config=config)


def backward(apps, schema_editor):
    apps.get_model("posts", "Post").objects.update(search_config=site_search_config())


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0012_add_post_search_config"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
