# The moderation log's content type moves from the comments app to this one with the model, and with it its
# permissions, the groups that hold them (Moderators see the log) and the admin's history of it. After the
# roles migration, which grants `view_moderationevent` on the content type where it then was.

from django.db import migrations

MODEL = "moderationevent"


def move(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label=from_label, model=MODEL).first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=to_label, model=MODEL).first()
    if new is None:
        old.app_label = to_label
        old.save(update_fields=["app_label"])
        return
    # Both exist (permissions made for the new label before this ran): the groups keep what they held.
    for permission in Permission.objects.filter(content_type=old):
        twin = Permission.objects.filter(content_type=new, codename=permission.codename).first()
        if twin is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        for group in permission.group_set.all():
            group.permissions.add(twin)
        for user in permission.user_set.all():
            user.user_permissions.add(twin)
        permission.delete()
    old.delete()


def to_moderation(apps, schema_editor):
    move(apps, "comments", "moderation")


def back_to_comments(apps, schema_editor):
    move(apps, "moderation", "comments")


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0001_initial'),
        ('accounts', '0004_roles'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [migrations.RunPython(to_moderation, back_to_comments)]
