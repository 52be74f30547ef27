"""Importing from the dashboard: upload, background task, progress, cancel, and files that are refused."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from background.models import OutgoingMail
from comments.models import Comment
from posts.models import Label, Post
from transfer import jobs
from transfer.importer import ImportCancelled
from transfer.models import ImportedObject, ImportJob

pytestmark = pytest.mark.django_db

IMPORT_URL = "/dashboard/import/"


_on_commit = {}


@pytest.fixture(autouse=True)
def _tasks_run_on_commit(django_capture_on_commit_callbacks):
    _on_commit["capture"] = django_capture_on_commit_callbacks


def committed(do):
    """Tests run in a transaction that never commits: run what the commit would (the immediate backend
    runs the import task then)."""
    with _on_commit["capture"](execute=True):
        return do()


def upload(client, content: bytes, name="export.xml", **extra):
    return committed(lambda: client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content), **extra}))


def takeout_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_import_page_needs_a_sign_in(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unverified_user_may_not_import(client, unverified_user, fixture_path):
    client.force_login(unverified_user)
    response = upload(client, fixture_path("wordpress.xml").read_bytes())
    assert response.status_code in (302, 403)
    assert not ImportJob.objects.exists()


def test_the_dashboard_links_to_the_import(client, user):
    client.force_login(user)
    assert IMPORT_URL in client.get("/dashboard/").content.decode()


def test_an_upload_is_imported_in_the_background_and_its_page_shows_the_summary(client, user, fixture_path):
    client.force_login(user)
    response = upload(client, fixture_path("wordpress.xml").read_bytes(), "roadnotes.WordPress.2024-01-20.xml")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ImportJob.Status.DONE
    assert (job.posts_total, job.comments_total) == (4, 7)
    assert (job.posts_done, job.comments_done) == (4, 7)
    assert Post.objects.filter(author=user, status=Post.Status.PUBLISHED).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "posts: 2 published or scheduled, 2 drafts" in page
    assert 'http-equiv="refresh"' not in page
    assert not any(Path(jobs.imports_storage().location).rglob("*.xml")), "the uploaded file is removed once done"


def test_the_summary_is_mailed_through_the_outbox(client, user, fixture_path):
    client.force_login(user)
    upload(client, fixture_path("wordpress.xml").read_bytes())
    job = ImportJob.objects.get()
    row = OutgoingMail.objects.get(key=f"import:{job.pk}:done")
    assert row.to == user.email
    assert len(mail.outbox) == 1 and "is done" in mail.outbox[0].subject
    assert "comments: 7" in mail.outbox[0].body


def test_the_summary_mail_is_in_the_owners_language(client, user, fixture_path):
    user.language = "fr"
    user.save(update_fields=["language"])
    client.force_login(user)

    upload(client, fixture_path("wordpress.xml").read_bytes())

    assert mail.outbox[0].subject == "Votre import dans Blogsite est terminé"


def test_a_running_import_shows_its_progress_and_refreshes_without_javascript(client, user):
    client.force_login(user)
    job = ImportJob.objects.create(
        owner=user,
        status=ImportJob.Status.RUNNING,
        posts_total=10,
        comments_total=500,
        posts_done=3,
        comments_done=120,
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "3 of 10" in page and "120 of 500" in page
    assert reverse("transfer:import_cancel", kwargs={"pk": job.pk}) in page


def test_someone_elses_import_is_a_404(client, user, other_user):
    job = ImportJob.objects.create(owner=user)
    client.force_login(other_user)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("transfer:import_cancel", kwargs={"pk": job.pk})).status_code == 404
    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED


def test_cancelling_needs_post(client, user):
    job = ImportJob.objects.create(owner=user)
    client.force_login(user)
    assert client.get(reverse("transfer:import_cancel", kwargs={"pk": job.pk})).status_code == 405


def test_a_waiting_import_is_cancelled_at_once(client, user):
    job = ImportJob.objects.create(owner=user)
    client.force_login(user)
    client.post(reverse("transfer:import_cancel", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    jobs.run_job(job.pk)
    assert not Post.objects.exists()


def test_a_cancelled_import_leaves_nothing(user, fixture_path, monkeypatch, tmp_path):
    """The cancel is seen part-way, after posts and comments were committed: they all go again."""
    job = jobs.start_import(owner=user, upload=SimpleUploadedFile("x.xml", b"<rss/>"))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    seen = []

    def stop_after_first_post():
        seen.append(Post.objects.count())
        return Post.objects.exists()

    monkeypatch.setattr("transfer.importer.STOP_CHECK_SECONDS", 0)
    from transfer.importer import import_blog

    with pytest.raises(ImportCancelled):
        import_blog(path=fixture_path("wordpress.xml"), author=user, job=job, should_stop=stop_after_first_post)
    assert max(seen) >= 1
    assert not Post.objects.exists() and not Comment.objects.exists() and not Label.objects.exists()
    assert not ImportedObject.objects.exists()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CANCELLED


def test_a_cancel_asked_while_running_stops_the_task(client, user, fixture_path, monkeypatch):
    client.force_login(user)
    monkeypatch.setattr("transfer.importer.STOP_CHECK_SECONDS", 0)
    real = jobs.import_blog

    def cancel_then_import(**kwargs):
        ImportJob.objects.filter(pk=kwargs["job"].pk).update(is_cancel_requested=True)
        return real(**kwargs)

    monkeypatch.setattr(jobs, "import_blog", cancel_then_import)
    upload(client, fixture_path("wordpress.xml").read_bytes())
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CANCELLED
    assert not Post.objects.exists()
    assert "cancelled" in client.get(job.get_absolute_url()).content.decode()


def test_a_file_that_breaks_part_way_fails_with_one_line_and_leaves_nothing(client, user, fixture_path):
    client.force_login(user)
    text = fixture_path("wordpress.xml").read_bytes()
    upload(client, text[: len(text) * 3 // 4])
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "not well-formed XML" in job.error_text and "line" in job.error_text and "\n" not in job.error_text
    assert not Post.objects.exists() and not Label.objects.exists()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and "not well-formed XML" in page.content.decode()
    assert OutgoingMail.objects.filter(key=f"import:{job.pk}:failed").exists()


def test_a_failure_after_posts_were_written_removes_them(user, fixture_path, monkeypatch):
    from transfer import importer

    def broken_tree(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer._Import, "link_tree", broken_tree)
    job = ImportJob.objects.create(owner=user)
    with open(fixture_path("wordpress.xml"), "rb") as fh:
        jobs_file = jobs.imports_storage().save("a.xml", fh)
    ImportJob.objects.filter(pk=job.pk).update(file=jobs_file)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.failure == {"code": "unexpected"}
    assert not Post.objects.exists() and not Comment.objects.exists() and not Label.objects.exists()


def test_a_task_run_again_after_its_worker_died_starts_over(user, fixture_path):
    from transfer.importer import import_blog

    job = ImportJob.objects.create(owner=user, status=ImportJob.Status.RUNNING)
    import_blog(path=fixture_path("wordpress.xml"), author=user, job=job)
    # As if the worker died after the posts were in but before the job was marked done.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    with open(fixture_path("wordpress.xml"), "rb") as fh:
        name = jobs.imports_storage().save("again.xml", fh)
    ImportJob.objects.filter(pk=job.pk).update(file=name)
    jobs.run_job(job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert Post.objects.filter(author=user).count() == 4
    assert Comment.objects.count() == 7


def test_two_imports_at_once_are_refused_with_a_message(client, user, fixture_path):
    ImportJob.objects.create(owner=user, status=ImportJob.Status.RUNNING)
    client.force_login(user)
    response = upload(client, fixture_path("wordpress.xml").read_bytes())
    assert response.status_code == 200 or response.status_code == 409
    assert (
        "An import is under way" in response.content.decode() or "already have an import" in response.content.decode()
    )
    assert ImportJob.objects.count() == 1


def test_the_database_refuses_a_second_active_import(user):
    from django.db import IntegrityError, transaction

    ImportJob.objects.create(owner=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.create(owner=user, status=ImportJob.Status.RUNNING)


def test_the_command_refuses_while_a_dashboard_import_runs(user, fixture_path):
    from django.core.management import CommandError, call_command

    ImportJob.objects.create(owner=user, status=ImportJob.Status.RUNNING)
    with pytest.raises(CommandError, match="already running"):
        call_command("import_blog", str(fixture_path("wordpress.xml")), "--author", "karen")
    assert not Post.objects.exists()


# Files that are refused ---------------------------------------------------------------------------------


def test_an_oversize_upload_is_refused_before_it_is_stored(client, user, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(user)
    response = upload(client, b"<rss>" + b" " * (2 * 2**20) + b"</rss>")
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_just_over_the_limit_is_stopped_while_it_is_read(client, user, settings):
    """A body within the slack allowed for the form's other fields is cut off by the upload handler itself."""
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(user)
    response = upload(client, b"<rss>" + b" " * (2**20 + 10_000) + b"</rss>")
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not any(Path(settings.STORAGES["imports"]["OPTIONS"]["location"]).rglob("*"))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not an export", "export.xml"),
        (b"\x89PNG\r\n\x1a\n", "photo.xml"),
        (b"", "empty.xml"),
    ],
)
def test_a_file_of_another_kind_is_refused_with_a_form_error(client, user, content, name):
    client.force_login(user)
    response = upload(client, content, name)
    assert response.status_code == 400
    assert ("not an export file" in response.content.decode()) or ("empty" in response.content.decode())
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body>Hello</body></html>", "unknown file: the root element is &lt;html&gt;"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>', "entities"),
        (b'{"not": "ours"}', "not a Blogsite export"),
    ],
)
def test_an_xml_or_json_file_that_is_not_an_export_fails_with_a_clear_message(client, user, content, message):
    client.force_login(user)
    upload(client, content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert message in client.get(job.get_absolute_url()).content.decode()
    assert not Post.objects.exists()


def test_a_takeout_zip_is_unpacked_and_imported(client, user, fixture_path):
    client.force_login(user)
    archive = takeout_zip(
        {
            "Takeout/archive_browser.html": b"<html></html>",
            "Takeout/Blogger/Blogs/Margins/feed.atom": fixture_path("feed.atom").read_bytes(),
            "Takeout/Blogger/Blogs/Margins/theme-classic.html": b"<html></html>",
        }
    )
    upload(client, archive, "takeout-20240120T100000Z-001.zip")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.error_text
    assert Post.objects.filter(author=user).exists()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../../etc/feed.atom": b"<feed/>"}, "outside its folder"),
        ({"/abs/feed.atom": b"<feed/>"}, "outside its folder"),
        ({"notes.txt": b"hello"}, "holds no export file"),
        (
            {"Takeout/Blogger/Blogs/A/feed.atom": b"<feed/>", "Takeout/Blogger/Blogs/B/feed.atom": b"<feed/>"},
            "2 export files",
        ),
    ],
)
def test_a_zip_with_paths_outside_its_folder_or_no_single_export_is_refused(client, user, members, message):
    client.force_login(user)
    upload(client, takeout_zip(members), "takeout.zip")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert message in job.error_text
    assert not Post.objects.exists()


def test_a_zip_bomb_is_refused_without_unpacking_it(client, user, settings, tmp_path):
    settings.IMPORT_MAX_UNZIPPED_MB = 5
    client.force_login(user)
    bomb = takeout_zip({"Takeout/Blogger/Blogs/X/feed.atom": b"<feed>" + b"\0" * (50 * 2**20)})
    assert len(bomb) < 200_000
    upload(client, bomb, "takeout.zip")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "more than the 5 MB allowed" in job.error_text


def test_a_zip_member_that_unpacks_past_its_ratio_is_stopped(tmp_path):
    from transfer.archives import extract_export
    from transfer.xmlstream import ImportFileError

    path = tmp_path / "bomb.zip"
    path.write_bytes(takeout_zip({"feed.atom": b"<feed>" + b"a" * (20 * 2**20)}))
    with pytest.raises(ImportFileError, match="zip bomb"):
        extract_export(path, into=tmp_path, max_bytes=1000 * 2**20)
    assert not (tmp_path / "export.atom").exists()


def test_a_damaged_zip_is_refused(client, user):
    client.force_login(user)
    upload(client, b"PK\x03\x04" + b"garbage" * 100, "takeout.zip")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and "damaged zip" in job.error_text


def test_the_dashboard_never_maps_usernames_to_accounts(client, user, tmp_path):
    from accounts.tests.factories import UserFactory

    from .test_import import json_comment, write_json_export

    root = UserFactory(username="admin", is_superuser=True)
    path = write_json_export(tmp_path, [json_comment(1, "admin", "The Admin")])
    client.force_login(user)
    upload(client, path.read_bytes(), "x.json", map_users="on")
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert not Comment.objects.filter(author=root).exists()


class NoLocalPaths:
    """The imports storage as the job sees a cloud bucket: its files have no path on this machine."""

    def __init__(self, storage):
        self.storage = storage

    def path(self, name):
        raise NotImplementedError

    def __getattr__(self, attr):
        return getattr(self.storage, attr)


def test_a_job_whose_file_has_no_local_path_is_imported_from_a_copy(user, fixture_path, monkeypatch):
    monkeypatch.setattr(jobs, "imports_storage", lambda: NoLocalPaths(storages["imports"]))
    with open(fixture_path("wordpress.xml"), "rb") as fh:
        name = jobs.imports_storage().save("remote.xml", fh)
    job = ImportJob.objects.create(owner=user, file=name)
    committed(lambda: jobs.run_job(job.pk))
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert Post.objects.filter(author=user).count() == 4
    assert not jobs.imports_storage().exists(name), "the uploaded file is removed once done"
