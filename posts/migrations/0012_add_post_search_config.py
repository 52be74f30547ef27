"""Each post keeps the text search configuration of its blog's language (`search_config`), and PostgreSQL's
generated search vector is built with it instead of `english` for every post: a `regconfig` column may be read
by a generated column, since `to_tsvector(regconfig, text)` is immutable. SQLite's FTS5 index is unchanged
(see posts/search.py). Migration 0013 gives existing posts their blog's configuration."""

from django.db import migrations

import posts.languages
import posts.models


def _vector(config: str) -> str:
    return f"""
    ALTER TABLE posts_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({config}, coalesce(title, '')), 'A')
        || setweight(to_tsvector({config}, coalesce(body, '')), 'B')
    ) STORED
    """


def _rebuild(config: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS posts_post_search_vector",
        "ALTER TABLE posts_post DROP COLUMN IF EXISTS search_vector",
        _vector(config),
        "CREATE INDEX posts_post_search_vector ON posts_post USING GIN (search_vector)",
    ]


def forward(apps, schema_editor):
    # Added with plain SQL, as cover_alt was (0006): Django's AddField would rebuild `posts_post` on SQLite,
    # which the comment-count triggers of comments 0004 do not survive.
    column_type = "regconfig" if schema_editor.connection.vendor == "postgresql" else "varchar(40)"
    default = schema_editor.quote_value(posts.languages.site_search_config())
    schema_editor.execute(f"ALTER TABLE posts_post ADD COLUMN search_config {column_type} NOT NULL DEFAULT {default}")
    if schema_editor.connection.vendor == "postgresql":
        for sql in _rebuild("search_config"):
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in _rebuild("'english'::regconfig"):
            schema_editor.execute(sql)
    schema_editor.execute("ALTER TABLE posts_post DROP COLUMN search_config")


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0011_add_gone_post"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward, elidable=False)],
            state_operations=[
                migrations.AddField(
                    model_name="post",
                    name="search_config",
                    field=posts.models.SearchConfigField(
                        default=posts.languages.site_search_config, editable=False, max_length=40
                    ),
                ),
            ],
        ),
    ]
