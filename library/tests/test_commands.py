"""`prune_pictures` removes files no picture refers to, once they are old enough, and nothing else."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .factories import make_picture
from .test_services import stored_files

pytestmark = pytest.mark.django_db


def prune(*args) -> str:
    out = StringIO()
    call_command("prune_pictures", *args, stdout=out)
    return out.getvalue()


def orphan(settings, owner_id: int, name: str, age_hours: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / "library" / str(owner_id) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"left behind")
    then = time.time() - age_hours * 3600
    os.utime(path, (then, then))
    return path


def test_old_files_no_picture_refers_to_go_and_the_rest_stay(user, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        picture = make_picture(user, size=(1000, 500))
    for path in stored_files(settings):
        os.utime(path, (time.time() - 90_000, time.time() - 90_000))
    old = orphan(settings, user.pk, "aaaaaaaaaaaaaaaaaaaaaaaa.jpg", age_hours=48)
    fresh = orphan(settings, user.pk, "bbbbbbbbbbbbbbbbbbbbbbbb.jpg", age_hours=1)
    orphan(settings, 999, "cccccccccccccccccccccccc.png", age_hours=48)

    assert "2 files no picture refers to." in prune("--dry-run")
    assert old.exists()

    output = prune()

    assert f"Deleting library/{user.pk}/aaaaaaaaaaaaaaaaaaaaaaaa.jpg" in output
    picture.refresh_from_db()
    media = Path(settings.MEDIA_ROOT)
    expected = {media / name for name in (picture.file.name, *picture.rendition_names())} | {fresh}
    assert len(expected) == 6
    assert set(stored_files(settings)) == expected


def test_without_a_library_folder_there_is_nothing_to_do(db):
    assert "nothing to prune" in prune()


def test_a_window_under_an_hour_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        prune("--hours", "0.1")
