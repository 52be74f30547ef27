from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .report import failure_text, summary_lines


class ImportJob(models.Model):
    """One run of an import, from the dashboard or the command: its file, progress and outcome.

    While a job runs, the posts it brings in wait as drafts (their status to be is on their
    `ImportedObject`); they take it all at once when the job is done. A job that fails or is cancelled
    deletes what it brought in, so that nothing is ever half-imported.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The uploaded file's name in the imports storage (transfer.jobs.imports_storage, outside MEDIA_ROOT, so
    # never served), not the field's default storage; empty for the command, which reads its own file.
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(default=0)
    fetch_images = models.BooleanField(default=False)
    is_cancel_requested = models.BooleanField(default=False)
    posts_total = models.PositiveIntegerField(null=True, blank=True)
    comments_total = models.PositiveIntegerField(null=True, blank=True)
    posts_done = models.PositiveIntegerField(default=0)
    comments_done = models.PositiveIntegerField(default=0)
    # What the import did and why it stopped, as codes and counts (transfer.report), put into words in the
    # reader's language when shown.
    report = models.JSONField(default=dict, blank=True)
    failure = models.JSONField(default=dict, blank=True)
    # The same as English text, as imports wrote them before `report` and `failure`: kept for those rows.
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One import per user at a time: the database decides between two uploads at once.
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(status__in=["queued", "running"]),
                name="transfer_one_active_import_per_user",
            ),
        ]

    def __str__(self):
        return f"import {self.pk} by {self.owner_id}: {self.status}"

    def get_absolute_url(self):
        return reverse("transfer:import_status", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def summary_text(self) -> str:
        """What the import did, as lines in the active language (an older row's stored text as it is)."""
        if self.report:
            return "\n".join(summary_lines(self.report))
        return self.summary

    @property
    def error_text(self) -> str:
        """Why the import stopped, in one line in the active language naming the file (an older row's stored
        text as it is)."""
        if self.failure:
            return failure_text(self.failure, file_name=self.original_name)
        return self.error


class ImportedObject(models.Model):
    """One post or comment brought in by an import, under its id in the source.

    Re-running an import looks these up first, so the same file imported twice creates nothing new.
    """

    class Kind(models.TextChoices):
        POST = "post", pgettext_lazy("noun", "Post")
        COMMENT = "comment", pgettext_lazy("noun", "Comment")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Which blog the file came from, e.g. "wordpress https://example.org" or "blogger 123456".
    source = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=300)
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The run that brought it in, and, for a post of a run not finished yet, the status it will take.
    job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="imported")
    staged_status = models.CharField(max_length=10, blank=True)
    # For a comment: its parent's id in the source and its date there, which the run links the reply tree
    # from once the whole file has been read (from the database, so a large file needs no map in memory).
    parent_source_id = models.CharField(max_length=300, blank=True)
    source_created_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported object")
        verbose_name_plural = _("imported objects")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "kind", "source_id"], name="transfer_imported_unique_source_id"
            ),
            models.CheckConstraint(
                condition=(Q(kind="post", post__isnull=False, comment__isnull=True))
                | Q(kind="comment", comment__isnull=False, post__isnull=True),
                name="transfer_imported_kind_matches_target",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.source_id} from {self.source}"


class LegacyPathQuerySet(models.QuerySet):
    def target_for(self, *, username: str, path: str, tails: list[str] | None = None):
        """The public post an old address of `username`'s blog stood for, or None. One query.

        `tails` are shorter forms of `path` (the same address under another prefix), tried when `path`
        itself is not known; the longest that is wins.
        """
        author = get_user_model().objects.named(username)
        candidates = [path, *(tails or [])]
        found = {
            legacy.path: legacy
            for legacy in self.filter(author__in=author, path__in=candidates).select_related("post", "post__author")
        }
        legacy = next((found[p] for p in candidates if p in found), None)
        if legacy is None or not legacy.post.is_public:
            return None
        return legacy.post


class LegacyPath(models.Model):
    """An address a post had on the blog it was imported from, relative to that blog's root.

    Paths look like "/2011/03/some-post.html", "/2011/03/14/some-post" (no trailing slash) or "/?p=123".
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="legacy_paths")

    objects = LegacyPathQuerySet.as_manager()

    class Meta:
        verbose_name = _("legacy path")
        verbose_name_plural = _("legacy paths")
        constraints = [
            models.UniqueConstraint(fields=["author", "path"], name="transfer_legacy_path_unique_per_author"),
        ]

    def __str__(self):
        return f"{self.path} → {self.post_id}"
