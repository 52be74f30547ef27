"""Search that finds word forms and partial words, alike on both databases.

SQLite: the FTS5 index is made again with the Porter stemmer in front of unicode61 (so "allotment" finds
"allotments", as PostgreSQL's english configuration does), and a second FTS5 index with the trigram
tokenizer finds partial words ("lotmen"), as pg_trgm does on PostgreSQL. Both are kept in step by
triggers (see posts/search.py, which puts them back after a table rebuild). PostgreSQL: the pg_trgm
extension and trigram indexes on the title and the body, for the same partial-word search.
"""

from django.db import OperationalError, migrations

FTS_TABLE = "posts_post_fts"
TRIGRAM_TABLE = "posts_post_trigram"
SQLITE_FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
# As in posts/search.py, which puts them back after a table rebuild.
def _index_triggers(table: str) -> dict[str, str]:
    """The triggers that keep the FTS5 table `table` in step with posts_post's title and body."""
    return {
        f"{table}_insert": f"""
            CREATE TRIGGER IF NOT EXISTS {table}_insert AFTER INSERT ON posts_post BEGIN
                INSERT INTO {table}(rowid, title, body) VALUES (new.id, new.title, new.body);
            END""",  # noqa: S608  # nosec B608 - constant table names
        f"{table}_delete": f"""
            CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON posts_post BEGIN
                DELETE FROM {table} WHERE rowid = old.id;
            END""",  # noqa: S608  # nosec B608 - constant table names
        f"{table}_update": f"""
            CREATE TRIGGER IF NOT EXISTS {table}_update AFTER UPDATE OF title, body ON posts_post BEGIN
                DELETE FROM {table} WHERE rowid = old.id;
                INSERT INTO {table}(rowid, title, body) VALUES (new.id, new.title, new.body);
            END""",  # noqa: S608  # nosec B608 - constant table names
    }


SQLITE_TRIGGERS = {**_index_triggers(FTS_TABLE), **_index_triggers(TRIGRAM_TABLE)}


def sqlite_has_trigram_tokenizer(cursor) -> bool:
    try:
        cursor.execute("CREATE VIRTUAL TABLE temp.posts_trigram_probe USING fts5(x, tokenize = 'trigram')")
    except OperationalError:
        return False
    cursor.execute("DROP TABLE temp.posts_trigram_probe")
    return True

# Django's icontains is UPPER(column::text) LIKE UPPER(pattern): the indexes are on that expression. (The
# extension is left in place going back: other things may use it. pg_trgm is a trusted extension, which
# the database's owner may create.)
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX posts_post_title_trgm ON posts_post USING GIN (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX posts_post_body_trgm ON posts_post USING GIN (UPPER(body::text) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS posts_post_title_trgm",
    "DROP INDEX IF EXISTS posts_post_body_trgm",
]
OLD_SQLITE_TOKENIZER = "unicode61 remove_diacritics 2"


def _make_fts(cursor, tokenizer: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    cursor.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, tokenize = '{tokenizer}')")
    cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, title, body) SELECT id, title, body FROM posts_post")


def _has_table(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
    return cursor.fetchone() is not None


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if not _has_table(cursor, FTS_TABLE):
            return  # This SQLite has no FTS5: search uses its LIKE fallback.
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        _make_fts(cursor, SQLITE_FTS_TOKENIZER)
        if sqlite_has_trigram_tokenizer(cursor):
            cursor.execute(f"CREATE VIRTUAL TABLE {TRIGRAM_TABLE} USING fts5(title, body, tokenize = 'trigram')")
            cursor.execute(f"INSERT INTO {TRIGRAM_TABLE}(rowid, title, body) SELECT id, title, body FROM posts_post")
        has_trigrams = _has_table(cursor, TRIGRAM_TABLE)
        for sql in SQLITE_TRIGGERS.values():
            if has_trigrams or TRIGRAM_TABLE not in sql:
                cursor.execute(sql)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if not _has_table(cursor, FTS_TABLE):
            return
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TRIGRAM_TABLE}")
        _make_fts(cursor, OLD_SQLITE_TOKENIZER)
        for name, sql in SQLITE_TRIGGERS.items():
            if TRIGRAM_TABLE not in sql:
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0004_post_approved_comment_count"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
