"""A reply belongs to the same post as the comment it answers, enforced by the database.

Django has no composite foreign key ((post, parent) -> (post, id)), so a trigger checks it on every insert
and on every update of post or parent: a reply pointing at another post's comment, or a comment moved to
another post while its replies stay behind, is refused with an integrity error whoever writes the row
(views, imports, the admin, raw SQL). Written for PostgreSQL and SQLite; other databases get no trigger.
"""

from django.db import migrations

MESSAGE = "a reply must belong to the same post as its parent"

POSTGRESQL_CREATE = f"""
CREATE FUNCTION comments_reply_same_post() RETURNS trigger AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND NEW.post_id IS DISTINCT FROM
            (SELECT post_id FROM comments_comment WHERE id = NEW.parent_id) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.post_id IS DISTINCT FROM OLD.post_id AND EXISTS
            (SELECT 1 FROM comments_comment WHERE parent_id = NEW.id AND post_id <> NEW.post_id) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER comments_reply_same_post
    BEFORE INSERT OR UPDATE OF post_id, parent_id ON comments_comment
    FOR EACH ROW EXECUTE FUNCTION comments_reply_same_post();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS comments_reply_same_post ON comments_comment;
DROP FUNCTION IF EXISTS comments_reply_same_post();
"""

_SQLITE_PARENT_CHECK = f"""
    FOR EACH ROW WHEN NEW.parent_id IS NOT NULL
        AND NEW.post_id IS NOT (SELECT post_id FROM comments_comment WHERE id = NEW.parent_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
"""
SQLITE_CREATE = [
    "CREATE TRIGGER comments_reply_same_post_insert BEFORE INSERT ON comments_comment" + _SQLITE_PARENT_CHECK,
    "CREATE TRIGGER comments_reply_same_post_update BEFORE UPDATE OF post_id, parent_id ON comments_comment"
    + _SQLITE_PARENT_CHECK,
    f"""CREATE TRIGGER comments_replies_follow_post BEFORE UPDATE OF post_id ON comments_comment
    FOR EACH ROW WHEN NEW.post_id IS NOT OLD.post_id AND EXISTS
        (SELECT 1 FROM comments_comment WHERE parent_id = NEW.id AND post_id IS NOT NEW.post_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS comments_reply_same_post_insert",
    "DROP TRIGGER IF EXISTS comments_reply_same_post_update",
    "DROP TRIGGER IF EXISTS comments_replies_follow_post",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRESQL_CREATE])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRESQL_DROP])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
