"""Full-text search index for posts, per database: a generated tsvector column with a GIN index on
PostgreSQL, an FTS5 table kept in step by triggers on SQLite (skipped when SQLite lacks FTS5; search then
falls back to LIKE). Other databases get nothing here."""

from django.db import OperationalError, migrations

POSTGRES_FORWARD = [
    """
    ALTER TABLE posts_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX posts_post_search_vector ON posts_post USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS posts_post_search_vector",
    "ALTER TABLE posts_post DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE posts_post_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')",
    """
    CREATE TRIGGER IF NOT EXISTS posts_post_fts_insert AFTER INSERT ON posts_post BEGIN
        INSERT INTO posts_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS posts_post_fts_delete AFTER DELETE ON posts_post BEGIN
        DELETE FROM posts_post_fts WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS posts_post_fts_update AFTER UPDATE OF title, body ON posts_post BEGIN
        DELETE FROM posts_post_fts WHERE rowid = old.id;
        INSERT INTO posts_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    "INSERT INTO posts_post_fts(rowid, title, body) SELECT id, title, body FROM posts_post",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS posts_post_fts_insert",
    "DROP TRIGGER IF EXISTS posts_post_fts_delete",
    "DROP TRIGGER IF EXISTS posts_post_fts_update",
    "DROP TABLE IF EXISTS posts_post_fts",
]


def _run(statements, schema_editor):
    for sql in statements:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(POSTGRES_FORWARD, schema_editor)
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            try:
                cursor.execute("CREATE VIRTUAL TABLE temp.posts_fts5_probe USING fts5(x)")
            except OperationalError:
                return  # This SQLite has no FTS5: search uses its LIKE fallback.
            cursor.execute("DROP TABLE temp.posts_fts5_probe")
        _run(SQLITE_FORWARD, schema_editor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(POSTGRES_BACKWARD, schema_editor)
    elif vendor == "sqlite":
        _run(SQLITE_BACKWARD, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
