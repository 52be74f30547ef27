"""Writing comments: posting, editing and deleting them, with the blog's moderation policy and the spam rules.

Each service runs in one transaction; the email it causes is recorded in it and sent once it commits.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RemoteAvatar
from accounts.policy import can_comment, can_edit_comment, can_moderate_post, can_remove_comment
from blogsite.ratelimit import count_hit
from posts.markup import COMMENT_HTML, html_to_text, render_markdown, sanitize_html
from posts.models import Blog, Post

from . import notifications
from .markup import count_links
from .models import PATH_MAX_DEPTH, Comment
from .signals import comment_posted, comments_changed, comments_moderated

# More links than this in one comment holds it for moderation, whatever the blog's policy.
MAX_LINKS_BEFORE_HOLD = 2
# The same text by the same reader on the same post within this time is refused as a duplicate.
DUPLICATE_WINDOW = timedelta(minutes=10)
# A double submit: the second of two identical submissions within this many seconds.
DOUBLE_SUBMIT_SECONDS = 30
# The most text a comment's body holds (the model's limit): the form's limit, and what a reply from another site keeps.
BODY_MAX_LENGTH = Comment._meta.get_field("body").max_length


class CommentRefused(Exception):
    """A comment that cannot be posted; `message` says why, in words for the reader."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CommentsClosed(CommentRefused):
    status_code = 403


class InvalidParent(CommentRefused):
    pass


class RateLimited(CommentRefused):
    """Over the per-minute limit; `retry_after` is the number of seconds until the next minute opens."""

    status_code = 429

    def __init__(self, message: str, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after


class DuplicateComment(CommentRefused):
    """The same text was already posted; `existing` is that comment when it is already saved."""

    status_code = 409

    def __init__(self, message: str, existing: Comment | None = None):
        super().__init__(message)
        self.existing = existing


def comments_are_open(post: Post) -> bool:
    """Whether the post takes new comments: enabled on the post, public, and not past the site's limit."""
    if not post.comments_enabled or not post.is_public:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return not (days and post.published_at < timezone.now() - timedelta(days=days))


def normalized_body(body: str) -> str:
    return " ".join(body.split())


def comment_policy(post: Post) -> str:
    """The post's blog's comment policy (one query); blogs not yet set up use the default."""
    policy = Blog.objects.filter(owner_id=post.author_id).values_list("comment_policy", flat=True).first()
    return policy or Blog.CommentPolicy.HOLD_FIRST


def hold_reason(*, post: Post, author, body: str) -> str | None:
    """Why a new comment must wait for the blog owner's approval (a `Comment.HeldReason`), or None when it
    appears at once. The first rule that holds it gives the reason: links, the blog's policy, the post's
    age, then the reader's first comment. `author` None: a reply from another fediverse server, whose
    author never had a comment approved here."""
    if author is not None and can_moderate_post(author, post):
        return None
    if count_links(body) > MAX_LINKS_BEFORE_HOLD:
        return Comment.HeldReason.LINKS
    policy = comment_policy(post)
    if policy == Blog.CommentPolicy.HOLD_ALL:
        return Comment.HeldReason.HOLD_ALL
    days = settings.COMMENTS_HOLD_AFTER_DAYS
    if days and post.published_at < timezone.now() - timedelta(days=days):
        # Spam goes for old posts, which nobody watches any more.
        return Comment.HeldReason.OLD_POST
    if policy == Blog.CommentPolicy.HOLD_FIRST:
        if author is None:
            return Comment.HeldReason.FIRST_COMMENT
        # Once a moderator somewhere on the site has approved one of their comments, the reader is trusted
        # everywhere. Comments that nobody had to approve (on an open blog, or on the reader's own posts)
        # earn nothing, or one comment on an open blog would unlock every blog.
        trusted = (
            Comment.objects.filter(author=author, status=Comment.Status.APPROVED)
            .exclude(post__author_id=author.pk)
            .exclude(post__author__blog__comment_policy=Blog.CommentPolicy.OPEN)
            .exists()
        )
        if not trusted:
            return Comment.HeldReason.FIRST_COMMENT
    return None


def check_parent(*, post: Post, parent: Comment | None) -> Comment | None:
    """The comment a reply goes under, or InvalidParent when it cannot be replied to."""
    if parent is None:
        return None
    if parent.post_id != post.pk:
        raise InvalidParent(_("That comment belongs to another post."))
    if parent.status != Comment.Status.APPROVED:
        raise InvalidParent(_("That comment can't be replied to: it is awaiting moderation or was removed."))
    # Beyond the deepest level the tree stores, a reply joins its parent's siblings.
    if parent.depth + 1 >= PATH_MAX_DEPTH and parent.parent_id:
        return check_parent(post=post, parent=parent.parent)
    return parent


def check_rate_limit(*, author, ip_address=None) -> None:
    """Count this comment against the reader's and the address's limits; RateLimited when over either."""
    limit = settings.COMMENTS_RATE_PER_MINUTE
    if limit <= 0:
        return
    scopes = [f"comments:rate:user:{author.pk}"]
    if ip_address:
        scopes.append(f"comments:rate:ip:{ip_address}")
    for scope in scopes:
        count, retry_after = count_hit(scope, window=60)
        if count > limit:
            raise RateLimited(_("You're commenting too quickly. Please wait a minute and try again."), retry_after)


def _double_submit_key(*, post: Post, author, body: str) -> str:
    digest = hashlib.sha256(normalized_body(body).encode()).hexdigest()[:32]
    return f"comments:submit:{post.pk}:{author.pk}:{digest}"


def find_duplicate(*, post: Post, author, body: str) -> Comment | None:
    """The reader's comment on this post with the same text, written within the duplicate window."""
    text = normalized_body(body)
    recent = Comment.objects.filter(
        post=post, author=author, created_at__gte=timezone.now() - DUPLICATE_WINDOW
    ).order_by("-created_at")
    for comment in recent.only("pk", "body", "status", "post_id", "path"):
        if normalized_body(comment.body) == text:
            return comment
    return None


def post_comment(
    *,
    post: Post,
    author,
    body: str,
    parent: Comment | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    base_url: str = "",
) -> Comment:
    """Save a reader's comment (or reply) with its place in the thread, and notify the people concerned.

    Raises PermissionDenied when the reader may not comment (see `can_comment`; the view sends them to sign
    in or to confirm their address first), and a CommentRefused subclass when the post is closed, the parent
    can't take replies, the text was just posted, or the reader is over the rate limit. Returns the comment,
    approved or pending.
    """
    if not can_comment(author):
        raise PermissionDenied
    if not comments_are_open(post):
        raise CommentsClosed(_("Comments on this post are closed."))
    if not normalized_body(body):
        raise CommentRefused(_("Please write something before posting."))
    parent = check_parent(post=post, parent=parent)

    existing = find_duplicate(post=post, author=author, body=body)
    if existing is not None:
        raise DuplicateComment(_("You already posted this comment."), existing=existing)
    # Two identical submissions racing each other: only the first one gets through. The mark is lifted
    # again if that first one fails, so that the reader can simply try again.
    submit_key = _double_submit_key(post=post, author=author, body=body)
    if not cache.add(submit_key, 1, timeout=DOUBLE_SUBMIT_SECONDS):
        existing = find_duplicate(post=post, author=author, body=body)
        message = _("You already posted this comment.") if existing else _("This comment is already on its way.")
        raise DuplicateComment(message, existing=existing)
    try:
        check_rate_limit(author=author, ip_address=ip_address)
        held = hold_reason(post=post, author=author, body=body)
        with transaction.atomic():
            comment = Comment.objects.create_in_thread(
                post=post,
                author=author,
                parent=parent,
                body=body,
                body_html=render_markdown(body, allow=COMMENT_HTML),
                status=Comment.Status.APPROVED if held is None else Comment.Status.PENDING,
                held_reason=held,
                ip_address=ip_address or None,
                user_agent=(user_agent or "")[:300],
            )
            notifications.notify_new_comment(comment, base_url=base_url)
            comment_posted.send(sender=Comment, comment=comment)
    except Exception:
        cache.delete(submit_key)
        raise
    return comment


def edit_comment(*, comment: Comment, user, body: str) -> Comment:
    """Change a comment's text (its author only) and mark it edited.

    A comment that now carries more links than allowed goes back to moderation.
    """
    if not can_edit_comment(user, comment):
        raise PermissionDenied(_("Only a comment's author can edit it."))
    if comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        raise CommentRefused(_("This comment was removed and can't be edited."))
    if not normalized_body(body):
        raise CommentRefused(_("Please write something before saving."))
    with transaction.atomic():
        comment.body = body
        comment.body_html = render_markdown(body, allow=COMMENT_HTML)
        comment.edited_at = timezone.now()
        fields = ["body", "body_html", "edited_at"]
        is_owner = can_moderate_post(user, comment.post)
        if comment.status == Comment.Status.APPROVED and not is_owner and count_links(body) > MAX_LINKS_BEFORE_HOLD:
            comment.status = Comment.Status.PENDING
            comment.held_reason = Comment.HeldReason.LINKS
            fields += ["status", "held_reason"]
        comment.save(update_fields=fields)
    return comment


def delete_comment(*, comment: Comment, user) -> bool:
    """Remove a comment. Returns True when the row is gone, False when it stays as a placeholder.

    Its author deletes it: without replies it disappears, with replies it stays as a placeholder so
    that the thread survives. The post's author and staff remove it as a recorded moderation decision.
    """
    if not can_remove_comment(user, author_id=comment.author_id, post=comment.post):
        raise PermissionDenied(_("You can't remove this comment."))
    with transaction.atomic():
        if user.pk == comment.author_id:
            if comment.replies.exists():
                comment.status = Comment.Status.REMOVED
                comment.save(update_fields=["status"])
                return False
            comment.delete()
            return True
        decide_comments(comments=[comment], action="remove", moderator=user, source="dashboard")
    return False


# The status each moderation decision leaves a comment in. The moderation app's log names the same decisions
# (`ModerationEvent.Action`) and records each one from `comments_moderated`.
DECISION_STATUS = {
    "approve": Comment.Status.APPROVED,
    "spam": Comment.Status.SPAM,
    "remove": Comment.Status.REMOVED,
    "restore": Comment.Status.APPROVED,
}


def decide_comments(*, comments: Iterable[Comment], action: str, moderator, source: str) -> list[Comment]:
    """Apply a moderation decision (`action`, a key of DECISION_STATUS) to each comment whose status it changes,
    by `moderator` from `source` ("admin", "dashboard"). Returns the comments changed, with their new status.

    One update, whatever the number of comments; when held replies are approved, up to three more queries: the
    replies, the mail to their parents' authors, its delivery; when held comments are approved or removed, up to
    three more for the mail to their writers; and what the receivers of `comments_moderated` add (the log, the
    inboxes: a constant number).
    """
    new_status = DECISION_STATUS[action]
    with transaction.atomic():
        changed = [c for c in comments if c.status != new_status]
        if not changed:
            return []
        # Replies held for moderation reach their parents' authors only once approved.
        held_replies = [c.pk for c in changed if c.parent_id and c.status == Comment.Status.PENDING]
        previous = {c.pk: c.status for c in changed}
        Comment.objects.filter(pk__in=[c.pk for c in changed]).update(status=new_status)
        if new_status == Comment.Status.APPROVED and held_replies:
            notifications.notify_replies_approved(held_replies)
        held = [c for c in changed if c.status == Comment.Status.PENDING and c.author_id]
        if held and new_status in (Comment.Status.APPROVED, Comment.Status.REMOVED):
            # Their writers hear of the decision (spam is not announced to its sender).
            notifications.notify_held_comments_decided(held, approved=new_status == Comment.Status.APPROVED)
        comments_changed.send(sender=Comment, post_ids={c.post_id for c in changed})
        for c in changed:
            c.status = new_status
        comments_moderated.send(
            sender=Comment, comments=changed, previous=previous, action=action, moderator=moderator, source=source
        )
    return changed


def post_remote_comment(
    *,
    post: Post,
    parent: Comment | None,
    name: str,
    handle: str,
    profile_url: str,
    url: str,
    html: str,
    avatar: RemoteAvatar | None = None,
) -> Comment:
    """Save a reply written on another fediverse server, as a guest's comment under `parent` (or the post).

    Its HTML goes through the comment allow-list. It waits for the blog owner's approval as a member's first
    comment would (`hold_reason`): unless the blog publishes comments at once, it has few links and the post
    is not old. Raises a CommentRefused subclass when comments are closed
    or the parent can't take replies."""
    if not comments_are_open(post):
        raise CommentsClosed("Comments on this post are closed.")
    parent = check_parent(post=post, parent=parent)
    body_html = sanitize_html(html, allow=COMMENT_HTML)
    body = html_to_text(body_html)[:BODY_MAX_LENGTH]
    if not normalized_body(body):
        raise CommentRefused("The reply is empty.")
    held = hold_reason(post=post, author=None, body=body)
    with transaction.atomic():
        return Comment.objects.create_in_thread(
            post=post,
            parent=parent,
            guest_name=(name or handle or "someone on the fediverse")[:100],
            guest_url=profile_url[:200],
            remote_url=url[:500],
            remote_handle=handle[:200],
            remote_avatar=avatar,
            body=body,
            body_html=body_html,
            status=Comment.Status.APPROVED if held is None else Comment.Status.PENDING,
            held_reason=held,
        )


def edit_remote_comment(*, comment: Comment, html: str) -> Comment:
    """Give a fediverse reply its author's new text (sanitized as on arrival)."""
    comment.body_html = sanitize_html(html, allow=COMMENT_HTML)
    comment.body = html_to_text(comment.body_html)[:BODY_MAX_LENGTH]
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


# Imports ------------------------------------------------------------------------------------------------

IMPORTED_COMMENT_BATCH = 1000


@dataclass(frozen=True)
class ImportedComment:
    """A comment brought in from another blog, as `add_imported_comments` takes it: `body` is Markdown
    written here (`is_markdown`, Blogsite's own exports) or the old blog's text, `body_html` what it showed."""

    post_id: int
    body: str
    body_html: str
    status: str
    is_markdown: bool = False
    # An account here, or None for a guest under `guest_name`.
    author_id: int | None = None
    guest_name: str = ""
    guest_email: str = ""
    guest_url: str = ""


def add_imported_comments(*, comments: Sequence[ImportedComment]) -> list[Comment]:
    """Insert imported comments, in their order, as top-level comments without a place in the tree yet;
    returns the rows, with their ids. The caller places them with `place_imported_comments` once it knows
    their parents (in a file, a reply may come before its parent), in the same import.

    Their HTML passes the comments' allow-list and their Markdown renders as a comment written here does;
    a guest keeps a name cut to its field and an email address or a web address only when valid. Nothing
    is sent: no `comment_posted`, no mail or notification, and no moderation (the file says each one's
    status). The thread counts the database keeps (`thread_reply_count`, `Post.approved_comment_count`) follow
    by their triggers. One INSERT per IMPORTED_COMMENT_BATCH comments, in the caller's transaction."""
    rows = []
    for c in comments:
        body, body_html = imported_comment_text(body=c.body, body_html=c.body_html, is_markdown=c.is_markdown)
        rows.append(
            Comment(
                post_id=c.post_id,
                author_id=c.author_id,
                guest_name="" if c.author_id else c.guest_name.strip()[:100],
                guest_email="" if c.author_id else _valid_email(c.guest_email),
                guest_url="" if c.author_id else _valid_url(c.guest_url),
                body=body,
                body_html=body_html,
                status=c.status,
            )
        )
    with transaction.atomic():
        return Comment.objects.bulk_create(rows, batch_size=IMPORTED_COMMENT_BATCH)


class ImportedPlace(NamedTuple):
    """Where an imported comment goes in its post's tree (`path` and `depth` as `Comment` stores them), and
    the date it was written on the old blog."""

    pk: int
    parent_id: int | None
    path: str
    depth: int
    created_at: datetime


def place_imported_comments(*, places: Sequence[ImportedPlace]) -> None:
    """Give imported comments their parent, depth, path and original date. One UPDATE per comment, sent to
    the database as one batch (Django's `bulk_update` builds a CASE per column and row, which costs more
    than an import's whole parse); the model's signals are not sent, so the caller sends `comments_changed`
    for the posts it touched."""
    if not places:
        return
    meta = Comment._meta
    columns = [meta.get_field(name).column for name in ("parent", "path", "depth", "created_at")]
    # Table and column names come from the model, never from the file.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608  # nosec B608
        connection.ops.quote_name(meta.db_table),
        ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns),
        connection.ops.quote_name(meta.pk.column),
    )
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(p.parent_id, p.path, p.depth, adapt(p.created_at), p.pk) for p in places])


def imported_comment_text(*, body: str, body_html: str, is_markdown: bool) -> tuple[str, str]:
    """An imported comment's (`body`, `body_html`): Blogsite's Markdown rendered as a comment written here
    is, or foreign HTML through the comments' allow-list with its text as the body."""
    cleaned = sanitize_html(body_html or "", allow=COMMENT_HTML)
    if not is_markdown:
        return html_to_text(cleaned), cleaned
    rendered = render_markdown(body, allow=COMMENT_HTML)
    # A comment written here renders from its Markdown again; one brought in from elsewhere earlier has
    # plain text as its body and keeps the HTML it came with.
    if not body_html or sanitize_html(rendered, allow=COMMENT_HTML) == cleaned:
        return body, rendered
    return body, cleaned


def _valid_email(value: str) -> str:
    value = (value or "").strip()[:254]
    try:
        EmailValidator()(value)
    except ValidationError:
        return ""
    return value


def _valid_url(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 200:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value
