import logging

from django_tasks import task

from .models import Picture
from .renditions import render
from .services import _delete_files
from .signals import pictures_changed

logger = logging.getLogger(__name__)


@task()
def make_renditions(picture_id: int) -> int:
    """Make a picture's renditions and record them; returns how many were made (0 when it is gone).

    Idempotent: a run killed mid-way is run again and replaces what it had written. A picture deleted while
    its renditions were being made gets its new files removed again."""
    picture = Picture.objects.filter(pk=picture_id).first()
    if picture is None:
        return 0
    made = render(picture)
    updated = Picture.objects.filter(pk=picture_id).update(renditions=made, has_renditions=True)
    if not updated:
        _delete_files(picture.file.storage, [r["name"] for r in made])
        return 0
    pictures_changed.send(sender=Picture, picture_ids={picture_id})
    logger.info("Made %d renditions of picture %s", len(made), picture_id)
    return len(made)
