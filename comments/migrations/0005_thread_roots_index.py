"""An index that lists a post's thread roots in reading order, so that a page of threads reads its own
roots and stops, instead of sorting all of them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_post_approved_comment_count"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["post", "depth", "path"], name="comments_post_depth_path"),
        ),
    ]
