"""Bringing a blog in: records from a reader become posts, labels, comments and old addresses.

An import is an `ImportJob`: its posts and comments are committed in small transactions as the file is
read, the posts waiting as drafts, and take their statuses together at the end; a file that fails part-way
(or a cancel) deletes what the job brought in, so nothing is left half-done. Each post and comment is
recorded under its id in the source (`ImportedObject`), so importing the same file again creates nothing.
Comments are inserted in batches with no parent, each with its parent's id in the source beside it, and the
reply tree is linked from the database in batches once the whole file has been read (a reply may come before
its parent in the file): what an import holds in memory does not grow with the number of comments.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, reset_queries, transaction
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext

from comments.models import PATH_MAX_DEPTH, Comment, tree_path
from comments.services import ImportedComment, ImportedPlace, add_imported_comments, place_imported_comments
from comments.signals import comments_changed
from library.models import Picture
from library.services import delete_picture
from posts.models import Blog, Label, Post
from posts.services import MAX_LABELS, import_label_names, import_labels, import_post, record_pictures

from .content import post_body
from .models import ImportedObject, ImportJob, LegacyPath
from .pictures import PictureReport, bring_pictures
from .readers import CommentRecord, PostRecord, Skipped, open_reader
from .report import Notice, counted, summary_lines
from .xmlstream import ImportFileError

COMMENT_BATCH = 1000
# How often a running import asks whether it should stop (one query each time).
STOP_CHECK_SECONDS = 1.0
# How long an import's transaction lasts at most before it commits what it wrote.
COMMIT_SECONDS = 0.5

User = get_user_model()


@dataclass
class ImportSummary:
    """What an import did, counted as it runs; stored with the job as `as_data()` (see transfer.report)."""

    format_code: str = ""
    # A file written by Blogsite (ours or another site's): it brings back Markdown and old addresses too.
    from_blogsite: bool = False
    posts: int = 0
    drafts: int = 0
    labels: set[str] = field(default_factory=set)
    new_labels: int = 0
    # Labels attached to posts, counting each post's.
    labels_attached: int = 0
    # `Notice`s of transfer.report.CONVERSIONS -> count.
    conversions: Counter = field(default_factory=Counter)
    pictures: PictureReport = field(default_factory=PictureReport)
    comments: Counter = field(default_factory=Counter)
    # Comments read so far (written in batches, so ahead of `comments` while the import runs).
    comments_read: int = 0
    already_posts: int = 0
    already_comments: int = 0
    # `Notice`s of transfer.report.SKIPPED and NOTES -> count.
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)

    @property
    def comment_count(self) -> int:
        return sum(self.comments.values())

    def as_data(self) -> dict:
        """The summary as `ImportJob.report` stores it: counts and codes, no sentences."""
        return {
            "format": self.format_code,
            "from_blogsite": self.from_blogsite,
            "posts": self.posts,
            "drafts": self.drafts,
            "labels": len(self.labels),
            "new_labels": self.new_labels,
            "labels_attached": self.labels_attached,
            "comments": {status: n for status, n in sorted(self.comments.items()) if n},
            "already_posts": self.already_posts,
            "already_comments": self.already_comments,
            "skipped": counted(self.skipped),
            "pictures": {"fetched": self.pictures.fetched, "failed": counted(self.pictures.failed)},
            "conversions": counted(self.conversions),
            "notes": counted(self.notes),
        }

    def lines(self) -> list[str]:
        """The summary as a few lines for a person to read, in the active language."""
        return summary_lines(self.as_data())


ProgressCallback = Callable[[int, int, ImportSummary], None] | None


def import_blog(
    *,
    path,
    author,
    progress: ProgressCallback = None,
    map_users: bool = False,
    job: ImportJob | None = None,
    should_stop: Callable[[], bool] | None = None,
    fetch_images: bool = False,
) -> ImportSummary:
    """Import the export file at `path` into `author`'s blog; returns what was done.

    Everything in the file becomes `author`'s or a guest's: a comment the file says its post's own author
    wrote is `author`'s, any other commenter a guest under the name shown. Only with `map_users` (an
    operator's choice on the command line, never offered on the site) does a username the file gives make
    the comment that account's here, when such an active account exists.

    The import runs as an `ImportJob` (`job`, or a new one for the command). Posts and comment batches are
    committed as they are read, so that a long import never holds the database (on SQLite, its only
    writer) for more than a moment; the posts wait as drafts until the whole file has been read, then take
    their statuses in one transaction. If anything goes wrong before that, or `should_stop()` says so
    (it is asked about once a second), what the job brought in is deleted and the exception propagates:
    nothing is left half-imported.

    Raises `ImportFileError` when the file is malformed or of an unknown kind, `ImportBusy` when another
    import into this blog is running, `ImportCancelled` when stopped.
    """
    summary = ImportSummary()

    def on_bytes(done: int, total: int) -> None:
        if progress:
            progress(done, total, summary)

    reader = open_reader(path, progress=on_bytes)
    summary.format_code = reader.format_code
    blog, _ = Blog.objects.get_or_create(owner=author)
    if job is None:
        job = start_job(owner=author, original_name=str(path))
    importer = _Import(
        author=author,
        search_config=blog.search_config,
        reader=reader,
        summary=summary,
        map_users=map_users,
        job=job,
        should_stop=should_stop,
    )
    try:
        # What the import writes into posts itself (a link's text, a title for a post without one) is in the
        # blog's language, whoever runs the import.
        with translation.override(blog.language or settings.LANGUAGE_CODE):
            importer.run()
            if fetch_images:
                importer.fetch_pictures()
        summary.format_code = reader.format_code
        summary.from_blogsite = bool(getattr(reader, "is_blogsite", False))
        importer.finish()
    except BaseException as exc:
        # Whatever stopped it (a fault in the file, a cancel, an interrupted command, a bug), nothing stays.
        discard_job(job, label_pks=importer.new_label_pks, picture_pks=summary.pictures.picture_pks)
        status = ImportJob.Status.CANCELLED if isinstance(exc, ImportCancelled) else ImportJob.Status.FAILED
        ImportJob.objects.filter(pk=job.pk).update(status=status, failure=failure_of(exc), finished_at=timezone.now())
        raise
    return summary


class ImportBusy(Exception):
    """Another import into the same blog has not finished."""


class ImportCancelled(Exception):
    """The import was stopped before it finished; what it brought in has been removed."""


def failure_of(exc: BaseException) -> dict[str, Any]:
    """What `ImportJob.failure` stores for an import stopped by `exc` (said by `transfer.report.failure_text`)."""
    if isinstance(exc, ImportFileError):
        return {"code": exc.code, "params": exc.params, "line": exc.line}
    if isinstance(exc, ImportCancelled):
        return {"code": "cancelled"}
    return {"code": "unexpected"}


def start_job(*, owner, original_name: str = "") -> ImportJob:
    """A running job for an import from the command line. Raises `ImportBusy` (one at a time per blog)."""
    try:
        with transaction.atomic():
            return ImportJob.objects.create(
                owner=owner,
                status=ImportJob.Status.RUNNING,
                original_name=original_name[-255:],
                started_at=timezone.now(),
            )
    except IntegrityError:
        raise ImportBusy(f"an import into {owner.username}'s blog is already running") from None


def abandon_unfinished_jobs(*, owner) -> int:
    """Mark `owner`'s unfinished imports failed and delete what they brought in; returns how many."""
    jobs = list(ImportJob.objects.filter(owner=owner, status__in=ImportJob.ACTIVE))
    for job in jobs:
        discard_job(job)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, failure={"code": "abandoned"}, finished_at=timezone.now()
        )
    return len(jobs)


def discard_job(job: ImportJob, *, label_pks=(), picture_pks=()) -> None:
    """Delete what `job` brought in: its posts with their threads, its comments on posts imported before,
    and its new labels that no post uses. A post (with its comments) per transaction, so that the site's
    other writers are never held up for long."""
    imported = ImportedObject.objects.filter(job=job)
    comment_pks = list(
        imported.filter(kind=ImportedObject.Kind.COMMENT, comment__isnull=False)
        .exclude(comment__post__in=imported.filter(kind=ImportedObject.Kind.POST).values("post_id"))
        .values_list("comment_id", flat=True)
    )
    for start in range(0, len(comment_pks), COMMENT_BATCH):
        batch = comment_pks[start : start + COMMENT_BATCH]
        with transaction.atomic():
            # Replies among them first lose their parent, which the tree's foreign key would defend.
            Comment.objects.filter(pk__in=batch).update(parent=None, depth=0)
            post_ids = set(Comment.objects.filter(pk__in=batch).values_list("post_id", flat=True))
            Comment.objects.filter(pk__in=batch).delete()
            comments_changed.send(sender=Comment, post_ids=post_ids)
    post_pks = list(imported.filter(kind=ImportedObject.Kind.POST).values_list("post_id", flat=True))
    for pk in post_pks:
        with transaction.atomic():
            post = Post.objects.filter(pk=pk).first()
            if post is not None:
                post.delete()
    if label_pks:
        Label.objects.filter(pk__in=list(label_pks), posts__isnull=True).delete()
    for picture in Picture.objects.filter(pk__in=list(picture_pks)):
        delete_picture(picture=picture)


class _Place(NamedTuple):
    """Where a comment sits in its post's reply tree."""

    path: str
    depth: int
    post_id: int
    parent_pk: int | None


class _TreeRow(NamedTuple):
    """A comment of the source as linking the reply tree reads it; `path` is empty until it is placed."""

    pk: int
    post_id: int
    parent_source_id: str
    created_at: datetime | None
    path: str
    depth: int
    parent_pk: int | None
    is_this_runs: bool


class _Import:
    def __init__(
        self,
        *,
        author,
        search_config: str,
        reader,
        summary: ImportSummary,
        job: ImportJob,
        map_users: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ):
        self.author = author
        # The text search configuration of the blog's language, which its posts are indexed with.
        self.search_config = search_config
        self.job = job
        self.should_stop = should_stop
        self.next_stop_check = 0.0
        # Labels this run made, to remove again if it doesn't finish.
        self.new_label_pks: list[int] = []
        self.map_users = map_users
        # Post source id -> its author's username in the file, where the file names one.
        self.post_authors: dict[str, str] = {}
        self.reader = reader
        self.summary = summary
        self.source = ""
        # source id -> pk, for posts of this source (earlier imports included). Comments are looked up in the
        # database a batch at a time (`ImportedObject`), so that memory does not grow with their number.
        self.posts: dict[str, int] = {}
        self.queue: list[CommentRecord] = []
        # Post source ids met in this file: a second post of the same id is a fault of the file.
        self.seen_posts: set[str] = set()
        self.queued: set[str] = set()
        self.labels: dict[str, Label] = {}
        self.users: dict[str, int | None] = {}

    def run(self) -> None:
        """Read the file and write what it holds, in transactions of at most COMMIT_SECONDS each: long
        enough that a large file costs few commits (each a sync to disk), short enough that the site's
        other writers never wait long for the database."""
        self._transaction = transaction.atomic()
        self._transaction.__enter__()
        self._transaction_started = time.monotonic()
        try:
            self._run()
        except BaseException:
            self._transaction.__exit__(*sys.exc_info())
            raise
        self._transaction.__exit__(None, None, None)

    def checkpoint(self) -> None:
        """Commit what is written so far if the transaction is old enough; stop if asked to."""
        if time.monotonic() - self._transaction_started >= COMMIT_SECONDS:
            self._transaction.__exit__(None, None, None)
            self._transaction = transaction.atomic()
            self._transaction.__enter__()
            self._transaction_started = time.monotonic()
        self.check_stop()

    def _run(self) -> None:
        for record in self.reader.posts():
            if isinstance(record, Skipped):
                self.skip(record)
                continue
            self.start(self.reader.source)
            if not self.add_post(record):
                self.summary.skipped[Skipped.of("comment_on_post_twice")] += len(record.comments)
                continue
            # A post's comments join the queue, written a batch at a time across posts (`add_comment`).
            for comment in record.comments:
                self.add_comment(comment)
            self.checkpoint()
        for record in self.reader.comments():
            if isinstance(record, Skipped):
                self.skip(record)
                continue
            self.start(self.reader.source)
            self.add_comment(record)
            if not self.queue:
                self.checkpoint()
        self.flush()
        self.checkpoint()
        self.link_tree()
        self.checkpoint()
        if self.summary.comment_count:
            # Bulk inserts and the tree's raw updates send no model signals: say which threads changed.
            comments_changed.send(sender=Comment, post_ids=set(self._job_comments().values_list("post_id", flat=True)))

    def fetch_pictures(self) -> None:
        """Bring the old blog's pictures into this site and rewrite the job's posts to them (see
        transfer.pictures). A post at a time, committed as it goes; the posts are still drafts."""
        wordpress_base = getattr(self.reader, "base_url", "") if not self.reader_is_blogsite else ""
        done: dict[str, str] = {}
        post_ids = ImportedObject.objects.filter(job=self.job, kind=ImportedObject.Kind.POST).values("post_id")
        posts = Post.objects.filter(pk__in=post_ids, body_format=Post.BodyFormat.HTML, body__contains="<img")
        for post in posts.order_by("pk").iterator(chunk_size=100):
            body = bring_pictures(
                post.body, owner=self.author, wordpress_base=wordpress_base, done=done, report=self.summary.pictures
            )
            if body != post.body:
                post.body = body
                post.save(update_fields=["body"])
                record_pictures(post=post)
            self.check_stop()

    def check_stop(self) -> None:
        if self.should_stop is None or time.monotonic() < self.next_stop_check:
            return
        self.next_stop_check = time.monotonic() + STOP_CHECK_SECONDS
        if self.should_stop():
            raise ImportCancelled("the import was cancelled; nothing was imported")

    def finish(self) -> None:
        """Give the job's posts their statuses and the blog its title, in one transaction."""
        staged = ImportedObject.objects.filter(job=self.job, kind=ImportedObject.Kind.POST).exclude(staged_status="")
        with transaction.atomic():
            touched: set[int] = set()
            pks = list(staged.filter(staged_status=Post.Status.PUBLISHED).values_list("post_id", flat=True))
            for start in range(0, len(pks), COMMENT_BATCH):
                Post.objects.filter(pk__in=pks[start : start + COMMENT_BATCH]).update(status=Post.Status.PUBLISHED)
            touched.update(pks)
            # Scheduled posts are few, and saved one by one so that the caches learn when each falls due.
            scheduled = staged.filter(staged_status=Post.Status.SCHEDULED).values("post_id")
            for post in Post.objects.filter(pk__in=scheduled):
                post.status = Post.Status.SCHEDULED
                post.save(update_fields=["status"])
            staged.update(staged_status="")
            blog = Blog.objects.get(owner=self.author)
            # A blog without a title of its own takes the imported blog's.
            if not blog.title and self.reader.blog.get("title"):
                blog.title = self.reader.blog["title"][: Blog._meta.get_field("title").max_length]
                blog.description = (
                    blog.description
                    or self.reader.blog.get("description", "")[: Blog._meta.get_field("description").max_length]
                )
                blog.save(update_fields=["title", "description", "updated_at"])
            if touched:
                # A bulk update sends no model signals: the posts' pages and the blog's are told at once.
                comments_changed.send(sender=Comment, post_ids=touched)
            ImportJob.objects.filter(pk=self.job.pk).update(
                status=ImportJob.Status.DONE,
                finished_at=timezone.now(),
                report=self.summary.as_data(),
                posts_done=self.summary.posts + self.summary.drafts + self.summary.already_posts,
                comments_done=self.summary.comment_count + self.summary.already_comments,
            )

    def skip(self, record: Skipped) -> None:
        self.summary.skipped[record] += 1

    def start(self, source: str) -> None:
        if self.source:
            return
        self.source = source[:300]
        known = ImportedObject.objects.filter(owner=self.author, source=self.source)
        self.posts = dict(known.filter(kind=ImportedObject.Kind.POST).values_list("source_id", "post_id"))

    # Posts ----------------------------------------------------------------------------------------------

    def add_post(self, record: PostRecord) -> bool:
        """Create the post (unless an earlier import did); False when the file had it already."""
        if record.source_id in self.seen_posts:
            self.skip(Skipped.of("post_twice"))
            return False
        self.seen_posts.add(record.source_id)
        if record.source_id in self.posts:
            self.summary.already_posts += 1
            return True
        if record.note:
            self.summary.notes[record.note] += 1
        with transaction.atomic():
            self._save_post(record)
        return True

    def _save_post(self, record: PostRecord) -> None:
        body = post_body(record.body, is_markdown=record.body_is_markdown, counts=self.summary.conversions)
        names = import_label_names(record.labels)
        if len(names) > MAX_LABELS:
            # Cut before any label is made, so that a post's surplus labels don't appear on the blog.
            self.summary.notes[Notice.of("too_many_labels", max=MAX_LABELS)] += 1
            names = names[:MAX_LABELS]
        labels, created = import_labels(names, known=self.labels)
        self.summary.new_labels += len(created)
        self.new_label_pks.extend(label.pk for label in created)
        self.summary.labels.update(label.name for label in labels)
        # Every post waits as a draft until the whole file is in (see `finish`).
        post = import_post(
            author=self.author,
            search_config=self.search_config,
            # Translators: the title of an imported post that had none.
            title=record.title.strip() or gettext("(untitled)"),
            body=body,
            body_format=Post.BodyFormat.MARKDOWN if record.body_is_markdown else Post.BodyFormat.HTML,
            excerpt=_plain_excerpt(record.excerpt),
            slug=record.slug,
            slug_fallback=f"post-{record.source_id}",
            published_at=record.published_at,
            publish_at=record.publish_at,
            created_at=record.created_at,
            comments_enabled=record.comments_enabled,
            labels=labels,
        )
        self.summary.conversions.update(record.conversions)
        self.summary.labels_attached += len(labels)
        if record.legacy_paths:
            LegacyPath.objects.bulk_create(
                [LegacyPath(author=self.author, path=p[:500], post=post) for p in record.legacy_paths],
                ignore_conflicts=True,
            )
        ImportedObject.objects.create(
            owner=self.author,
            source=self.source,
            kind=ImportedObject.Kind.POST,
            source_id=record.source_id,
            post=post,
            job=self.job,
            staged_status="" if record.status == Post.Status.DRAFT else record.status,
        )
        self.posts[record.source_id] = post.pk
        if record.author_username:
            self.post_authors[record.source_id] = record.author_username
        if record.status == Post.Status.DRAFT:
            self.summary.drafts += 1
        else:
            self.summary.posts += 1

    # Comments -------------------------------------------------------------------------------------------

    def add_comment(self, record: CommentRecord | Skipped) -> None:
        if isinstance(record, Skipped):
            self.skip(record)
            return
        if record.source_id in self.queued:
            self.skip(Skipped.of("comment_twice"))
            return
        if record.post_source_id not in self.posts:
            self.skip(Skipped.of("comment_on_skipped_post"))
            return
        self.queue.append(record)
        self.summary.comments_read += 1
        self.queued.add(record.source_id)
        if len(self.queue) >= COMMENT_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.queue:
            return
        # Oldest first, so that siblings (listed by id) read in the order they were written.
        batch = sorted(self.queue, key=lambda r: r.created_at or timezone.now())
        self.queue = []
        self.queued = set()
        # Comments already here: from an earlier import (left as they are), or from this file's earlier batches.
        known = dict(
            self._comment_ids().filter(source_id__in=[r.source_id for r in batch]).values_list("source_id", "job_id")
        )
        new = []
        for r in batch:
            if r.source_id not in known:
                new.append(r)
                continue
            self.summary.comments_read -= 1
            if known[r.source_id] == self.job.pk:
                self.skip(Skipped.of("comment_twice"))
            else:
                self.summary.already_comments += 1
        with transaction.atomic():
            rows = add_imported_comments(comments=[self.imported_comment(r) for r in new])
            self._record_comments(new, rows)
        for row in rows:
            self.summary.comments[row.status] += 1
        reset_queries()

    def _comment_ids(self):
        """The comments of this source brought in by any import, as `ImportedObject` rows."""
        return ImportedObject.objects.filter(owner=self.author, source=self.source, kind=ImportedObject.Kind.COMMENT)

    def _job_comments(self):
        return Comment.objects.filter(
            pk__in=ImportedObject.objects.filter(job=self.job, kind=ImportedObject.Kind.COMMENT).values("comment_id")
        )

    def _record_comments(self, batch: list[CommentRecord], rows: list[Comment]) -> None:
        ImportedObject.objects.bulk_create(
            [
                ImportedObject(
                    owner=self.author,
                    source=self.source,
                    kind=ImportedObject.Kind.COMMENT,
                    source_id=r.source_id,
                    comment_id=row.pk,
                    job=self.job,
                    parent_source_id=r.parent_source_id or "",
                    source_created_at=r.created_at,
                )
                for r, row in zip(batch, rows, strict=True)
            ],
            batch_size=COMMENT_BATCH,
        )

    def imported_comment(self, record: CommentRecord) -> ImportedComment:
        return ImportedComment(
            post_id=self.posts[record.post_source_id],
            body=record.body,
            body_html=record.body_html,
            status=record.status,
            is_markdown=self.reader_is_blogsite,
            author_id=self.local_user(record),
            guest_name=record.author_name.strip() or record.author_username,
            guest_email=record.author_email,
            guest_url=record.author_url,
        )

    @property
    def reader_is_blogsite(self) -> bool:
        return getattr(self.reader, "is_blogsite", False)

    def local_user(self, record: CommentRecord) -> int | None:
        """The account a comment belongs to here, or None for a guest.

        A file is someone's say-so: its names and usernames were typed by commenters or written by whoever
        made the file, so by default they reach no account but the importer's own, for comments the file
        says its post's author wrote. `map_users` trusts the file's usernames for existing active accounts.
        """
        username = record.author_username
        if not username:
            return None
        if self.map_users:
            if username not in self.users:
                self.users[username] = (
                    User.objects.named(username).filter(is_active=True).values_list("pk", flat=True).first()
                )
            if self.users[username]:
                return self.users[username]
        if username.casefold() == self.post_authors.get(record.post_source_id, "").casefold():
            return self.author.pk
        return None

    def link_tree(self) -> None:
        """Give every comment of this run its parent, depth, path and original date, from the source's ids.

        A batch at a time from the database: the run's comments not yet placed (an empty path), in the order
        they were inserted, each with the chain of its parents up to one already placed (or to none).
        """
        unplaced = (
            ImportedObject.objects.filter(job=self.job, kind=ImportedObject.Kind.COMMENT, comment__path="")
            .order_by("pk")
            .values_list("pk", "source_id")
        )
        last = 0
        while batch := list(unplaced.filter(pk__gt=last)[:COMMENT_BATCH]):
            last = batch[-1][0]
            self._link_batch([source_id for _, source_id in batch])
            self.checkpoint()

    def _tree_rows(self, source_ids) -> dict[str, _TreeRow]:
        """The comments of this source with these ids in the source, by that id."""
        return {
            sid: _TreeRow(pk, post_id, parent_sid, created_at, path, depth, parent_pk, job_id == self.job.pk)
            for sid, pk, post_id, parent_sid, created_at, path, depth, parent_pk, job_id in self._comment_ids()
            .filter(source_id__in=list(source_ids))
            .values_list(
                "source_id",
                "comment_id",
                "comment__post_id",
                "parent_source_id",
                "source_created_at",
                "comment__path",
                "comment__depth",
                "comment__parent_id",
                "job_id",
            )
        }

    def _link_batch(self, source_ids: list[str]) -> None:
        # The batch and, level by level, the parents it needs: what is placed already, and what is to place.
        rows = self._tree_rows(source_ids)
        wanted = {r.parent_source_id for r in rows.values() if r.parent_source_id and not r.path} - rows.keys()
        while wanted:
            found = self._tree_rows(wanted)
            rows.update(found)
            wanted = {r.parent_source_id for r in found.values() if r.parent_source_id and not r.path} - rows.keys()
        # pk -> place of the comments that have one in the tree.
        placed: dict[int, _Place] = {
            r.pk: _Place(r.path, r.depth, r.post_id, r.parent_pk) for r in rows.values() if r.path
        }

        def new(sid: str) -> bool:
            return sid in rows and rows[sid].is_this_runs and rows[sid].pk not in placed

        pending: list[ImportedPlace] = []
        for source_id in source_ids:
            chain: list[str] = []
            current = source_id
            on_chain: set[str] = set()
            while new(current):
                if current in on_chain:
                    self.summary.notes[Notice.of("reply_loop")] += 1
                    break
                chain.append(current)
                on_chain.add(current)
                current = rows[current].parent_source_id
            for sid in reversed(chain):
                entry = rows[sid]
                pk, post_id, parent_sid, created_at = entry.pk, entry.post_id, entry.parent_source_id, entry.created_at
                parent_pk = rows[parent_sid].pk if parent_sid in rows else None
                parent = placed.get(parent_pk) if parent_pk else None
                if parent_sid and parent is None:
                    self.summary.notes[Notice.of("orphan_reply")] += 1
                elif parent is not None and parent.post_id != post_id:
                    self.summary.notes[Notice.of("reply_across_posts")] += 1
                    parent = None
                if parent is not None and parent.depth + 1 >= PATH_MAX_DEPTH:
                    # Deeper than threads go: it becomes a sibling of its parent.
                    parent_pk = parent.parent_pk
                    if parent_pk and parent_pk not in placed:
                        placed.update(
                            (gpk, _Place(*place))
                            for gpk, *place in Comment.objects.filter(pk=parent_pk).values_list(
                                "pk", "path", "depth", "post_id", "parent_id"
                            )
                        )
                    parent = placed.get(parent_pk) if parent_pk else None
                    self.summary.notes[Notice.of("too_deep", max=PATH_MAX_DEPTH)] += 1
                if parent is None:
                    parent_pk, path, depth = None, tree_path(pk), 0
                else:
                    path, depth = tree_path(pk, parent.path), parent.depth + 1
                placed[pk] = _Place(path, depth, post_id, parent_pk)
                pending.append(ImportedPlace(pk, parent_pk, path, depth, created_at or timezone.now()))
                if len(pending) >= COMMENT_BATCH:
                    self._write_tree(pending)
                    pending = []
        self._write_tree(pending)

    @staticmethod
    def _write_tree(places: list[ImportedPlace]) -> None:
        place_imported_comments(places=places)
        reset_queries()


def _plain_excerpt(text: str) -> str:
    return strip_tags(text or "").strip()[:1000]
