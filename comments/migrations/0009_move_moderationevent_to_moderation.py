# The moderation log now belongs to the moderation app, which keeps its table (`comments_moderationevent`):
# only Django's state changes here, and no row moves. After the roles migration, which grants a permission on
# the model where it then was, and after that permission's content type has moved with the model.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0008_comment_remote_avatar'),
        ('moderation', '0002_move_moderationevent_permissions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ModerationEvent',
                ),
            ],
        ),
    ]
