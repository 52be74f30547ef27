"""The two email switches become choices: a switch that was off keeps the events in the inbox, without mail."""

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(notify_on_comment=False).update(notify_comments="inbox")
    User.objects.filter(notify_on_reply=False).update(notify_replies="inbox")


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.exclude(notify_comments="instant").update(notify_on_comment=False)
    User.objects.exclude(notify_replies="instant").update(notify_on_reply=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_add_notification_choices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
