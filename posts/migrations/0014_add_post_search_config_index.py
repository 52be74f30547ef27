from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0013_fill_post_search_config"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["search_config"], name="posts_post_search_config"),
        ),
    ]
