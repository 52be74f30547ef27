from django.db import migrations, models

# Added with plain SQL, which both databases take as it is: Django's own AddField would rebuild
# `posts_post` on SQLite (a NOT NULL column with a default), which the comment-count triggers of
# comments 0004, pointing at the table, do not survive.
ADD_COVER_ALT = "ALTER TABLE posts_post ADD COLUMN cover_alt varchar(300) NOT NULL DEFAULT ''"
DROP_COVER_ALT = "ALTER TABLE posts_post DROP COLUMN cover_alt"


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_add_picture"),
        ("posts", "0005_search_stemming_and_trigrams"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_COVER_ALT, DROP_COVER_ALT)],
            state_operations=[
                migrations.AddField(
                    model_name="post",
                    name="cover_alt",
                    field=models.CharField(
                        blank=True,
                        help_text="What the cover picture shows.",
                        max_length=300,
                        verbose_name="cover alt text",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="post",
            name="pictures",
            field=models.ManyToManyField(blank=True, editable=False, related_name="posts", to="library.picture"),
        ),
    ]
