"""The dashboard reads Blogsite's JSON export whole, so it takes only one of a bounded size."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from posts.models import Post
from transfer import jobs
from transfer.models import ImportJob

from .test_import import json_comment, write_json_export

pytestmark = pytest.mark.django_db


def test_a_json_export_too_large_to_read_whole_is_refused_with_a_way_out(
    client, user, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "MAX_JSON_BYTES", 100)
    path = write_json_export(tmp_path, [json_comment(1, "reader", "A Reader")])
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/dashboard/import/", {"file": SimpleUploadedFile("blog.json", path.read_bytes())})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "moves with its WXR export" in job.error_text
    assert not Post.objects.exists()


def test_a_json_export_of_a_usual_size_is_imported(client, user, tmp_path, django_capture_on_commit_callbacks):
    path = write_json_export(tmp_path, [json_comment(1, "reader", "A Reader")])
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/dashboard/import/", {"file": SimpleUploadedFile("blog.json", path.read_bytes())})
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert Post.objects.filter(author=user, slug="hello").exists()
