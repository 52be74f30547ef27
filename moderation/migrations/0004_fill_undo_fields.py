# Bans made before `caused_by` and `previous_status` existed tied their removals and unpublications to
# themselves in notes only ("With ban #12; was approved", with " for <ISO time>" for a scheduled post), and
# unbans their restorations ("With unban #13; back to approved"). Read those notes once into the fields, which
# is what unbanning reads now, so that such a ban still unbans as it did. The notes stay as they were written:
# they are the log's record of the time.

from datetime import datetime

import re

from django.db import migrations

BAN_NOTE_RE = re.compile(r"^With ban #(?P<ban_id>\d+); was (?P<status>[a-z]+)(?: for (?P<publish_at>\S+))?$")
UNBAN_NOTE_RE = re.compile(r"^With unban #(?P<unban_id>\d+); back to [a-z]+$")
BATCH = 500


def fill(apps, schema_editor):
    ModerationEvent = apps.get_model("moderation", "ModerationEvent")
    bans = set(ModerationEvent.objects.filter(action="ban").values_list("pk", flat=True))
    unbans = set(ModerationEvent.objects.filter(action="unban").values_list("pk", flat=True))
    changed = []
    for event in ModerationEvent.objects.filter(
        action__in=["remove", "unpublish"], note__startswith="With ban #", caused_by__isnull=True
    ).only("pk", "note"):
        match = BAN_NOTE_RE.match(event.note)
        if not match:
            continue
        # A ban deleted from the log since (a superuser may) has nothing left to undo, as before.
        event.caused_by_id = int(match["ban_id"]) if int(match["ban_id"]) in bans else None
        event.previous_status = match["status"]
        event.previous_publish_at = datetime.fromisoformat(match["publish_at"]) if match["publish_at"] else None
        changed.append(event)
    for event in ModerationEvent.objects.filter(
        action__in=["restore", "publish"], note__startswith="With unban #", caused_by__isnull=True
    ).only("pk", "action", "note"):
        match = UNBAN_NOTE_RE.match(event.note)
        if not match:
            continue
        event.caused_by_id = int(match["unban_id"]) if int(match["unban_id"]) in unbans else None
        # An unban restores only removed comments and draft posts.
        event.previous_status = "removed" if event.action == "restore" else "draft"
        event.previous_publish_at = None
        changed.append(event)
    ModerationEvent.objects.bulk_update(
        changed, ["caused_by", "previous_status", "previous_publish_at"], batch_size=BATCH
    )


def empty(apps, schema_editor):
    # The notes were kept, and the code before this reads them: emptying the fields undoes this exactly.
    ModerationEvent = apps.get_model("moderation", "ModerationEvent")
    ModerationEvent.objects.filter(note__startswith="With ban #").update(
        caused_by=None, previous_status="", previous_publish_at=None
    )
    ModerationEvent.objects.filter(note__startswith="With unban #").update(
        caused_by=None, previous_status="", previous_publish_at=None
    )


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0003_add_undo_fields'),
    ]

    operations = [migrations.RunPython(fill, empty)]
