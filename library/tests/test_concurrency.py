"""Two uploads at once never both fit under a quota that only one fits under (PostgreSQL: row lock)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes, upload
from library.models import Picture
from library.services import store_picture

pytestmark = pytest.mark.postgres


@pytest.fixture
def on_postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...), as in .ci/run")


def test_simultaneous_uploads_respect_the_quota(on_postgres, settings):
    owner = UserFactory(username="karen")
    data = image_bytes(size=(800, 600))
    single = store_picture(owner=UserFactory(username="probe"), file=upload(data)).bytes
    settings.PICTURE_QUOTA_BYTES = single + single // 2
    start = threading.Barrier(4)
    outcomes = []

    def attempt():
        try:
            start.wait()
            store_picture(owner=owner, file=upload(data))
            outcomes.append("stored")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["quota", "quota", "quota", "stored"]
    assert Picture.objects.filter(owner=owner).count() == 1
