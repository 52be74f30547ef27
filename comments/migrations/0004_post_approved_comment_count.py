"""Each post counts its approved comments, kept by database triggers like the thread counts of 0003.

Lists of posts and the post page show how many comments a post has; counting them on every view would
cost time that grows with the comments. The triggers move `posts_post.approved_comment_count` by one when
a comment is written approved, becomes or stops being approved, or is deleted, whoever writes the row.
"""

from django.db import migrations
from django.db.models import Count

# Built from constants only ("OLD"/"NEW", "+ 1"/"- 1"), never from data.
_MOVE = "UPDATE posts_post SET approved_comment_count = approved_comment_count {step} WHERE id = {row}.post_id"

POSTGRESQL_CREATE = f"""
CREATE FUNCTION comments_count_post_comments() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved' THEN
        {_MOVE.format(step="- 1", row="OLD")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'approved' THEN
        {_MOVE.format(step="+ 1", row="NEW")};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER comments_count_post_comments
    AFTER INSERT OR DELETE OR UPDATE OF status, post_id ON comments_comment
    FOR EACH ROW EXECUTE FUNCTION comments_count_post_comments();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS comments_count_post_comments ON comments_comment;
DROP FUNCTION IF EXISTS comments_count_post_comments();
"""

SQLITE_CREATE = [
    f"""CREATE TRIGGER comments_count_post_comments_insert AFTER INSERT ON comments_comment
    FOR EACH ROW WHEN NEW.status = 'approved'
    BEGIN {_MOVE.format(step="+ 1", row="NEW")}; END""",
    f"""CREATE TRIGGER comments_count_post_comments_update AFTER UPDATE OF status, post_id ON comments_comment
    FOR EACH ROW WHEN OLD.status = 'approved' OR NEW.status = 'approved'
    BEGIN
        {_MOVE.format(step="- 1", row="OLD")} AND OLD.status = 'approved';
        {_MOVE.format(step="+ 1", row="NEW")} AND NEW.status = 'approved';
    END""",
    f"""CREATE TRIGGER comments_count_post_comments_delete AFTER DELETE ON comments_comment
    FOR EACH ROW WHEN OLD.status = 'approved'
    BEGIN {_MOVE.format(step="- 1", row="OLD")}; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS comments_count_post_comments_insert",
    "DROP TRIGGER IF EXISTS comments_count_post_comments_update",
    "DROP TRIGGER IF EXISTS comments_count_post_comments_delete",
]


def count_existing(apps, schema_editor):
    """Set every post's count from the comments already stored (one grouped query)."""
    alias = schema_editor.connection.alias
    comments = apps.get_model("comments", "Comment").objects.using(alias)
    posts = apps.get_model("posts", "Post").objects.using(alias)
    counts = comments.filter(status="approved").values("post_id").annotate(approved=Count("pk")).order_by()
    for row in counts.iterator():
        posts.filter(pk=row["post_id"]).update(approved_comment_count=row["approved"])


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
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
        ("comments", "0003_thread_reply_count"),
        ("posts", "0004_post_approved_comment_count"),
    ]

    operations = [
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
