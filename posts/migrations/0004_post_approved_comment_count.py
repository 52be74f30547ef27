"""A post's approved comments, counted once and kept up to date by triggers on the comments table (see
comments migration 0004, which also counts what is already there)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0003_add_post_body_format"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="approved_comment_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
