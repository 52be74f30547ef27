from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_path():
    return lambda name: FIXTURES / name


@pytest.fixture(autouse=True)
def _imports_storage(settings, tmp_path):
    """Uploaded export files go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "imports", "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _media_served_under_media(settings):
    settings.MEDIA_URL = "/media/"
