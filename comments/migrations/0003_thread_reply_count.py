"""Each top-level comment counts the approved replies in its thread, kept by database triggers.

Pages of threads are cut by how many comments they hold (see comments/tree.py), which one query can only
work out if every thread root carries its thread's size. Triggers keep `thread_reply_count` whoever writes
the rows: a reply that is posted or imported approved, approved later, removed, marked as spam, restored
or deleted moves its root's count by one. A reply's root is the comment whose path is the reply's first
path segment, found through the (post, path) index. Written for PostgreSQL and SQLite, like 0002.

On SQLite, adding the column rebuilds the table, which drops the table's triggers: 0002's are created
again here.
"""

import importlib

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Substr

WIDTH = 8  # comments.models.PATH_SEGMENT_WIDTH when this migration was written
same_post = importlib.import_module("comments.migrations.0002_reply_post_matches_parent")

# Whether a row counts towards its root: an approved reply that has its place in the tree.
_COUNTS = "({row}.depth > 0 AND {row}.status = 'approved' AND {row}.path <> '')"


def _move(row: str, step: str) -> str:
    # Built from this file's constants only ("OLD"/"NEW", "+ 1"/"- 1"), never from data.
    return (
        f"UPDATE comments_comment SET thread_reply_count = thread_reply_count {step}"  # noqa: S608
        f" WHERE post_id = {row}.post_id AND path = substr({row}.path, 1, {WIDTH})"
    )


POSTGRESQL_CREATE = f"""
CREATE FUNCTION comments_count_thread_replies() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {_COUNTS.format(row="OLD")} THEN
        {_move("OLD", "- 1")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND {_COUNTS.format(row="NEW")} THEN
        {_move("NEW", "+ 1")};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER comments_count_thread_replies
    AFTER INSERT OR DELETE OR UPDATE OF status, path, depth, post_id ON comments_comment
    FOR EACH ROW EXECUTE FUNCTION comments_count_thread_replies();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS comments_count_thread_replies ON comments_comment;
DROP FUNCTION IF EXISTS comments_count_thread_replies();
"""

SQLITE_CREATE = [
    f"""CREATE TRIGGER comments_count_thread_replies_insert AFTER INSERT ON comments_comment
    FOR EACH ROW WHEN {_COUNTS.format(row="NEW")}
    BEGIN {_move("NEW", "+ 1")}; END""",
    f"""CREATE TRIGGER comments_count_thread_replies_update
    AFTER UPDATE OF status, path, depth, post_id ON comments_comment
    FOR EACH ROW WHEN {_COUNTS.format(row="OLD")} OR {_COUNTS.format(row="NEW")}
    BEGIN
        {_move("OLD", "- 1")} AND {_COUNTS.format(row="OLD")};
        {_move("NEW", "+ 1")} AND {_COUNTS.format(row="NEW")};
    END""",
    f"""CREATE TRIGGER comments_count_thread_replies_delete AFTER DELETE ON comments_comment
    FOR EACH ROW WHEN {_COUNTS.format(row="OLD")}
    BEGIN {_move("OLD", "- 1")}; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS comments_count_thread_replies_insert",
    "DROP TRIGGER IF EXISTS comments_count_thread_replies_update",
    "DROP TRIGGER IF EXISTS comments_count_thread_replies_delete",
]


def count_existing(apps, schema_editor):
    """Set every thread root's count from the replies already stored (one grouped query)."""
    comments = apps.get_model("comments", "Comment").objects.using(schema_editor.connection.alias)
    counts = (
        comments.filter(depth__gt=0, status="approved")
        .exclude(path="")
        .values("post_id", root=Substr("path", 1, WIDTH))
        .annotate(replies=Count("pk"))
        .order_by()
    )
    for row in counts.iterator():
        comments.filter(post_id=row["post_id"], path=row["root"]).update(thread_reply_count=row["replies"])


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        # The new column rebuilt the table, and with it went 0002's triggers.
        for statement in same_post.SQLITE_DROP + same_post.SQLITE_CREATE + SQLITE_CREATE:
            schema_editor.execute(statement)


def recreate_same_post_triggers(apps, schema_editor):
    """Going back: dropping the column rebuilds the SQLite table again, so 0002's triggers come back last."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in same_post.SQLITE_DROP + same_post.SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_reply_post_matches_parent"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_same_post_triggers),
        migrations.AddField(
            model_name="comment",
            name="thread_reply_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
