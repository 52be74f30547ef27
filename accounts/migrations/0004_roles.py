"""The two roles: Moderators (staff who moderate comments and ban readers) and Bloggers (who may write when
OPEN_AUTHORING is off; see accounts.permissions.can_write)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Exactly these, and nothing else: a moderator sees posts and people, decides on comments and bans readers,
# but cannot edit a post, a password, a staff or superuser flag, a group or a permission.
ROLES = {
    "Moderators": [
        ("posts", "view_post"),
        ("posts", "view_blog"),
        ("posts", "view_label"),
        ("comments", "view_comment"),
        ("comments", "change_comment"),
        ("comments", "view_moderationevent"),
        ("accounts", "view_user"),
        ("accounts", "ban_user"),
        ("account", "view_emailaddress"),
    ],
    # Writing is checked by membership of the group itself; Bloggers hold no admin permission.
    "Bloggers": [],
}
APPS = ["accounts", "posts", "comments", "account"]


def create_roles(apps, schema_editor):
    # Permissions are normally created after `migrate` finishes; these groups need them now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        models_module, app_config.models_module = getattr(app_config, "models_module", None), True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        finally:
            app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_ban_permission"),
        ("posts", "0001_initial"),
        ("comments", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
