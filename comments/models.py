from django.conf import settings
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils.http import int_to_base36
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# How the reply tree is stored: a materialized path.
#
# Each comment's `path` is its parent's path followed by its own id as a fixed-width, zero-padded base-36
# segment of PATH_SEGMENT_WIDTH characters. Sorting a post's comments by `path` therefore lists every
# thread depth-first, each reply under its parent and siblings in the order they were written, so a
# post's whole tree (or a page of its threads, as a range of paths) loads in display order with one
# indexed query and no recursion. An adjacency list alone would need a recursive query or one query per
# level; nested sets would rewrite half the table on every reply; django-treebeard would add a package
# for what is one column here. `parent` is kept as well, for integrity and for simple questions.
PATH_SEGMENT_WIDTH = 8
PATH_MAX_DEPTH = 60


def tree_path(pk: int, parent_path: str = "") -> str:
    """The path of comment `pk` under the comment whose path is `parent_path` (empty for a thread's first
    comment): the parent's path followed by the id in base 36, zero-padded to PATH_SEGMENT_WIDTH.

    Everything that writes a path builds it here, so that the format has one home."""
    return parent_path + int_to_base36(pk).rjust(PATH_SEGMENT_WIDTH, "0")


def path_ids(path: str) -> list[int]:
    """The ids along `path`, from the thread's first comment to the comment itself: `tree_path` undone."""
    return [int(path[start : start + PATH_SEGMENT_WIDTH], 36) for start in range(0, len(path), PATH_SEGMENT_WIDTH)]


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def awaiting_moderation_by(self, owner):
        """Comments awaiting moderation on `owner`'s posts, oldest first, with what a queue shows."""
        return (
            self.filter(status=Comment.Status.PENDING, post__author=owner)
            .select_related("author", "post", "post__author", "parent", "parent__author")
            .order_by("created_at", "pk")
        )

    def bulk_create_with_ids(self, comments, *, batch_size: int = 2000) -> list:
        """Insert comments whose ids were chosen beforehand, so that their paths were known before the
        insert (seeding and tests write thousands this way), in batches of `batch_size`; returns them.

        PostgreSQL hands out ids from a sequence that explicit ids do not move: it is moved past them here
        (one more query), or the next comment written the usual way would be given an id already taken.
        """
        created = self.bulk_create(comments, batch_size=batch_size)
        connection = connections[self.db]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)
        return created

    def create_in_thread(self, *, parent=None, **fields):
        """A new comment under `parent` (top-level if None), with its depth and its place in the tree.

        The path needs the new row's id, so it is written right after the insert, in the same
        transaction: no reader ever sees a comment without its place in the tree.
        """
        with transaction.atomic(using=self.db, savepoint=False):
            comment = self.create(parent=parent, depth=parent.depth + 1 if parent else 0, **fields)
            comment.path = tree_path(comment.pk, parent.path if parent else "")
            self.filter(pk=comment.pk).update(path=comment.path)
        return comment


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", pgettext_lazy("comment status", "Spam")
        REMOVED = "removed", pgettext_lazy("comment status", "Removed")

    class HeldReason(models.TextChoices):
        # The labels are what the comment's author reads beside it while it waits (see HELD_BECAUSE).
        FIRST_COMMENT = "first_comment", _("it is your first comment on this site")
        LINKS = "links", _("it has more than two links")
        HOLD_ALL = "hold_all", _("this blog holds every comment for its author's approval")
        OLD_POST = "old_post", _("the post is old")

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="comments")
    # A reader with an account; empty for a guest (comments brought in by an import) or a deleted account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    guest_name = models.CharField(max_length=100, blank=True)
    guest_email = models.EmailField(blank=True)
    guest_url = models.URLField(blank=True)
    # A reply from the fediverse (its author is a guest: `guest_name`, their profile in `guest_url`): the
    # original's address and the author's handle (`@name@instance`). Nullable so that adding them is an
    # ALTER TABLE on SQLite, which keeps the table's triggers (see migration 0003).
    remote_url = models.URLField(max_length=500, null=True, blank=True)  # noqa: DJ001
    remote_handle = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # Their picture, fetched and kept here (accounts/remote_avatars.py); a fediverse account's one row for all
    # its replies, so that a new picture shows beside every one of them.
    remote_avatar = models.ForeignKey(
        "accounts.RemoteAvatar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Replies outlive a removed parent (it stays as a placeholder): a parent row cannot be deleted on its
    # own, only together with its whole post.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.RESTRICT, related_name="replies")
    path = models.CharField(max_length=PATH_SEGMENT_WIDTH * PATH_MAX_DEPTH, blank=True, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    # On a top-level comment: how many approved replies its whole thread holds (0 on replies). Pages of
    # threads are cut by it (see tree.py). Database triggers keep it (migration 0003) whoever writes the
    # rows: views, imports, the admin's bulk actions or plain SQL. On SQLite, a migration that rebuilds
    # this table drops its triggers, and must create them again (as 0003 does for 0002's).
    thread_reply_count = models.PositiveIntegerField(default=0, editable=False)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    # Why a comment waits for moderation (set when it is held; kept after the decision, for the record).
    # Nullable so that adding it is an ALTER TABLE on SQLite, not a rebuild of the table that would drop
    # its triggers (see migration 0003).
    held_reason = models.CharField(max_length=20, choices=HeldReason.choices, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # For moderators only; never shown on public pages or in feeds.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="comments_comment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comments_comment_depth_matches_parent",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "path"], name="comments_post_path"),
            # A page's thread roots in reading order, from where the page begins (see tree.page_from).
            models.Index(fields=["post", "depth", "path"], name="comments_post_depth_path"),
            models.Index(fields=["post", "status", "depth"], name="comments_post_status_depth"),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.post_id}: {self.body[:40]}"

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#c{self.pk}"

    @property
    def author_name(self) -> str:
        if self.author_id:
            return self.author.name
        return self.guest_name or gettext("Anonymous")


# Why a held comment waits, as whole sentences for its author: beside the comment while it waits, and in the
# notice they read once just after posting it.
HELD_BECAUSE = {
    Comment.HeldReason.FIRST_COMMENT: _("Waiting for approval because it is your first comment on this site."),
    Comment.HeldReason.LINKS: _("Waiting for approval because it has more than two links."),
    Comment.HeldReason.HOLD_ALL: _(
        "Waiting for approval because this blog holds every comment for its author's approval."
    ),
    Comment.HeldReason.OLD_POST: _("Waiting for approval because the post is old."),
}
HELD_NOTICE = {
    None: _("Thank you! Your comment will appear once the blog's author approves it."),
    Comment.HeldReason.FIRST_COMMENT: _(
        "Thank you! Your comment will appear once the blog's author approves it: it waits because it is your "
        "first comment on this site."
    ),
    Comment.HeldReason.LINKS: _(
        "Thank you! Your comment will appear once the blog's author approves it: it waits because it has more "
        "than two links."
    ),
    Comment.HeldReason.HOLD_ALL: _(
        "Thank you! Your comment will appear once the blog's author approves it: it waits because this blog "
        "holds every comment for its author's approval."
    ),
    Comment.HeldReason.OLD_POST: _(
        "Thank you! Your comment will appear once the blog's author approves it: it waits because the post is old."
    ),
}
