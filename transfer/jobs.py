"""Imports from the dashboard: an uploaded file becomes an `ImportJob`, worked by a background task.

The upload is streamed to the imports storage (settings.IMPORTS_ROOT) and never read whole; the task
counts what the file holds, imports it with the same engine as `import_blog` (transfer.importer), keeps the
job's progress up to date for the page that shows it, and mails the summary through the outbox. A job that
fails or is cancelled leaves nothing of the file behind.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from background.mail import queue_mail, render_mail
from background.queue import enqueue_on_commit

from .archives import CHUNK, extract_export, is_zip
from .importer import ImportBusy, ImportCancelled, discard_job, failure_of, import_blog
from .models import ImportJob
from .readers import BlogsiteJSONReader, CommentRecord, PostRecord, open_reader
from .xmlstream import ImportFileError

logger = logging.getLogger(__name__)

# Blogsite's JSON export is read whole (about ten times its size in memory); larger blogs move as WXR.
MAX_JSON_BYTES = 32 * 2**20
# How often a running job writes its progress (one UPDATE each time).
PROGRESS_SECONDS = 1.0


def imports_storage():
    return storages["imports"]


def start_import(*, owner, upload, fetch_images: bool = False) -> ImportJob:
    """Store `upload` (a Django UploadedFile) and queue its import for `owner`. One query plus the task's.

    Raises `ImportBusy` when `owner` already has an import waiting or running (the database decides).
    """
    suffix = Path(upload.name or "").suffix.lower()[:10]
    name = imports_storage().save(f"{uuid.uuid4().hex}{suffix}", upload)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                owner=owner,
                file=name,
                original_name=(upload.name or "")[-255:],
                size=upload.size or 0,
                fetch_images=fetch_images,
            )
            from .tasks import run_import_job

            enqueue_on_commit(run_import_job, job.pk)
    except IntegrityError:
        imports_storage().delete(name)
        raise ImportBusy("you already have an import waiting or running") from None
    return job


def cancel_import(*, job: ImportJob) -> None:
    """Ask `job` to stop. A job not started yet is cancelled at once; a running one stops within a second
    or so and removes what it brought in. One or two queries."""
    if ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now(), failure={"code": "cancelled_before_start"}
    ):
        _forget_file(job)
        return
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(is_cancel_requested=True)


def run_job(job_id: int) -> None:
    """Work one job (the task's body). Safe to run again: a job that is already over is left alone, and one
    that was running when its worker died first removes what it had brought in, then starts over."""
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status not in ImportJob.ACTIVE:
        return
    if job.status == ImportJob.Status.RUNNING:
        discard_job(job)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), posts_done=0, comments_done=0
    )
    try:
        with (
            tempfile.TemporaryDirectory(prefix="blogsite-import-") as scratch,
            _local_file(job, Path(scratch)) as upload,
        ):
            path = _unzipped(upload, Path(scratch))
            _count(job, path)
            summary = import_blog(
                path=path,
                author=job.owner,
                job=job,
                progress=_progress_writer(job),
                should_stop=lambda: ImportJob.objects.filter(pk=job.pk, is_cancel_requested=True).exists(),
                fetch_images=job.fetch_images,
            )
    except ImportCancelled as exc:
        _finished(job, ImportJob.Status.CANCELLED, failure=failure_of(exc))
        return
    except ImportFileError as exc:
        _finished(job, ImportJob.Status.FAILED, failure=failure_of(exc))
        return
    except Exception as exc:
        logger.exception("import job %s failed", job.pk)
        _finished(job, ImportJob.Status.FAILED, failure=failure_of(exc))
        return
    _finished(job, ImportJob.Status.DONE, report=summary.as_data())


def _finished(job: ImportJob, status: str, *, failure: dict | None = None, report: dict | None = None) -> None:
    with transaction.atomic():
        fields = {"status": status, "finished_at": timezone.now(), "failure": failure or {}}
        if report:
            fields["report"] = report
        ImportJob.objects.filter(pk=job.pk).update(**fields)
        job.refresh_from_db()
        if job.owner.email:
            queue_mail(
                [
                    render_mail(
                        key=f"import:{job.pk}:{status}",
                        to=job.owner.email,
                        template="transfer/email/import_finished",
                        context={"job": job, "user": job.owner, "site_name": settings.SITE_NAME},
                        language=job.owner.language,
                    )
                ]
            )
        transaction.on_commit(lambda: _forget_file(job))


def _forget_file(job: ImportJob) -> None:
    if job.file:
        with contextlib.suppress(OSError):
            imports_storage().delete(job.file.name)


@contextlib.contextmanager
def _local_file(job: ImportJob, scratch: Path):
    """A path on this machine to the job's file: the storage's own, or a copy made in chunks."""
    storage = imports_storage()
    try:
        local = Path(storage.path(job.file.name))
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    target = scratch / ("upload" + Path(job.file.name).suffix)
    with storage.open(job.file.name, "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, CHUNK)
    yield target


def _unzipped(path: Path, scratch: Path) -> Path:
    if not is_zip(path):
        return path
    return extract_export(path, into=scratch, max_bytes=settings.IMPORT_MAX_UNZIPPED_MB * 2**20)


def _count(job: ImportJob, path: Path) -> None:
    """Read the file once without writing anything, for the totals the progress page shows. Raises
    ImportFileError for a file the import would refuse, before anything is imported."""
    posts = comments = 0
    reader = open_reader(path)
    if isinstance(reader, BlogsiteJSONReader) and path.stat().st_size > MAX_JSON_BYTES:
        raise ImportFileError("json_too_large", max_mb=MAX_JSON_BYTES // 2**20)
    for record in reader.posts():
        if isinstance(record, PostRecord):
            posts += 1
            comments += sum(isinstance(c, CommentRecord) for c in record.comments)
    comments += sum(isinstance(c, CommentRecord) for c in reader.comments())
    ImportJob.objects.filter(pk=job.pk).update(posts_total=posts, comments_total=comments)


def _progress_writer(job: ImportJob):
    next_write = 0.0

    def write(done_bytes: int, total_bytes: int, summary) -> None:
        nonlocal next_write
        now = time.monotonic()
        if now < next_write:
            return
        next_write = now + PROGRESS_SECONDS
        ImportJob.objects.filter(pk=job.pk).update(
            posts_done=summary.posts + summary.drafts + summary.already_posts,
            comments_done=summary.comments_read + summary.already_comments,
        )

    return write
