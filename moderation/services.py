"""Moderation decisions, from a blog owner's dashboard or from the admin, each one recorded as a ModerationEvent:
comments (approve, spam, remove, restore), posts (publish, unpublish) and users (ban, unban)."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from accounts import policy
from comments.models import Comment
from comments.services import decide_comments
from comments.signals import comments_changed
from posts.models import Post
from posts.services import update_post

from .models import ModerationEvent

# What a moderation action did, said to the moderator: `DONE[action] % {"count": n}`.
DONE = {
    ModerationEvent.Action.APPROVE: ngettext_lazy(
        "%(count)d comment approved.", "%(count)d comments approved.", "count"
    ),
    ModerationEvent.Action.SPAM: ngettext_lazy(
        "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", "count"
    ),
    ModerationEvent.Action.REMOVE: ngettext_lazy("%(count)d comment removed.", "%(count)d comments removed.", "count"),
    ModerationEvent.Action.RESTORE: ngettext_lazy(
        "%(count)d comment restored.", "%(count)d comments restored.", "count"
    ),
    ModerationEvent.Action.BAN: ngettext_lazy("%(count)d user banned.", "%(count)d users banned.", "count"),
    ModerationEvent.Action.UNBAN: ngettext_lazy("%(count)d user unbanned.", "%(count)d users unbanned.", "count"),
    ModerationEvent.Action.PUBLISH: ngettext_lazy("%(count)d post published.", "%(count)d posts published.", "count"),
    ModerationEvent.Action.UNPUBLISH: ngettext_lazy(
        "%(count)d post unpublished.", "%(count)d posts unpublished.", "count"
    ),
}


def moderate_comments(
    *, comments: Iterable[Comment], action: str, moderator, source: str = ModerationEvent.Source.ADMIN
) -> int:
    """Apply `action` to each comment whose status it changes; each change is recorded (see `receivers`).

    Returns how many comments changed. One query to read the comments, then what `decide_comments` costs
    (an update, the mail, the inboxes) and one bulk insert for the log, whatever the number of comments.
    """
    action = ModerationEvent.Action(action)
    return len(decide_comments(comments=comments, action=action, moderator=moderator, source=source))


def can_ban(moderator, user) -> bool:
    """Whether `moderator` may ban (or unban) `user`: the permission policy's answer (never themselves; staff and
    superusers only by a superuser). No query."""
    return policy.can_ban(moderator, user)


def _record_for_comments(comments, action: str, *, by: ModerationEvent, previous) -> None:
    """One event per comment that a ban or an unban (`by`) changed, at its time and in its name, caused by it and
    with the status the comment had before (`previous(comment)`) (one query)."""
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            moderator=by.moderator,
            action=action,
            source=by.source,
            comment_id=c.pk,
            post_id=c.post_id,
            target_user=by.target_user,
            caused_by=by,
            previous_status=previous(c),
            created_at=by.created_at,
        )
        for c in comments
    )


def ban_user(
    *, user, moderator, remove_all_comments: bool = False, unpublish_posts: bool = False, note: str = ""
) -> ModerationEvent:
    """Deactivate `user` and remove their pending comments (or every visible comment), and optionally unpublish
    their posts. Returns the recorded ban event, with the moderator's `note` if any.

    Deactivation ends the user's sessions at once: authentication backends refuse inactive users. Each removal
    and unpublication is recorded as caused by the ban, with the status before (and a scheduled post's time),
    which `unban_user` reads to undo exactly this. A constant number of queries plus one save per unpublished
    post.
    """
    if not can_ban(moderator, user):
        raise PermissionDenied(_("Only a superuser may ban a staff account, and nobody may ban themselves."))
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        ban = ModerationEvent.objects.create(
            moderator=moderator,
            action=ModerationEvent.Action.BAN,
            source=ModerationEvent.Source.ADMIN,
            target_user=user,
            note=note,
        )
        removable = [Comment.Status.PENDING]
        if remove_all_comments:
            removable.append(Comment.Status.APPROVED)
        comments = list(Comment.objects.filter(author=user, status__in=removable).only("pk", "post_id", "status"))
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(status=Comment.Status.REMOVED)
        comments_changed.send(sender=Comment, post_ids={c.post_id for c in comments})
        _record_for_comments(comments, ModerationEvent.Action.REMOVE, by=ban, previous=lambda c: c.status)
        if unpublish_posts:
            posts = Post.objects.filter(author=user).exclude(status=Post.Status.DRAFT).select_related("author")
            _change_posts(
                posts=posts,
                moderator=moderator,
                action=ModerationEvent.Action.UNPUBLISH,
                source=ModerationEvent.Source.ADMIN,
                caused_by=ban,
            )
    return ban


def unban_user(*, user, moderator, note: str = "") -> ModerationEvent:
    """Reactivate `user` and undo what their bans since the last unban removed or unpublished, where nobody
    has changed it since: each comment and post goes back to the status its removal recorded. Returns the
    recorded unban event, with the moderator's `note` if any. A constant number of queries plus one save per
    republished post."""
    if not can_ban(moderator, user):
        raise PermissionDenied(_("Only a superuser may unban a staff account."))
    with transaction.atomic():
        last_unban = (
            ModerationEvent.objects.filter(target_user=user, action=ModerationEvent.Action.UNBAN)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        bans = ModerationEvent.objects.filter(target_user=user, action=ModerationEvent.Action.BAN)
        if last_unban:
            bans = bans.filter(pk__gt=last_unban)
        ban_ids = list(bans.values_list("pk", flat=True))
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        unban = ModerationEvent.objects.create(
            moderator=moderator,
            action=ModerationEvent.Action.UNBAN,
            source=ModerationEvent.Source.ADMIN,
            target_user=user,
            note=note,
        )
        caused = ModerationEvent.objects.filter(
            caused_by__in=ban_ids,
            action__in=[ModerationEvent.Action.REMOVE, ModerationEvent.Action.UNPUBLISH],
        ).values_list("action", "comment_id", "post_id", "previous_status", "previous_publish_at")
        comment_status, post_status = {}, {}
        for action, comment_id, post_id, previous_status, previous_publish_at in caused:
            if action == ModerationEvent.Action.REMOVE and comment_id and previous_status:
                comment_status[comment_id] = previous_status
            elif action == ModerationEvent.Action.UNPUBLISH and post_id and previous_status:
                post_status[post_id] = (previous_status, previous_publish_at)
        # Only what is still as the ban left it: a later decision by a moderator stands.
        comments = list(
            Comment.objects.filter(pk__in=comment_status, status=Comment.Status.REMOVED).only("pk", "post_id")
        )
        for status in {comment_status[c.pk] for c in comments}:
            Comment.objects.filter(pk__in=[c.pk for c in comments if comment_status[c.pk] == status]).update(
                status=status
            )
        comments_changed.send(sender=Comment, post_ids={c.post_id for c in comments})
        _record_for_comments(
            comments, ModerationEvent.Action.RESTORE, by=unban, previous=lambda c: Comment.Status.REMOVED
        )
        for post in Post.objects.filter(pk__in=post_status, status=Post.Status.DRAFT).select_related("author"):
            status, publish_at = post_status[post.pk]
            if not _set_post_status(post, status, publish_at=publish_at):
                continue
            ModerationEvent.objects.create(
                moderator=moderator,
                action=ModerationEvent.Action.PUBLISH,
                source=ModerationEvent.Source.ADMIN,
                post=post,
                target_user=user,
                caused_by=unban,
                previous_status=Post.Status.DRAFT,
            )
    return unban


def publish_posts(*, posts: Iterable[Post], moderator, source: str = ModerationEvent.Source.ADMIN) -> int:
    """Publish each post that is not already published, by the posts app's rules (a post never public gets
    today's date and is announced; one public before keeps its date, so its permalink does not change).
    Records one event per change and returns how many changed. A few queries per changed post."""
    return _change_posts(posts=posts, moderator=moderator, action=ModerationEvent.Action.PUBLISH, source=source)


def unpublish_posts(*, posts: Iterable[Post], moderator, source: str = ModerationEvent.Source.ADMIN) -> int:
    """Turn each published or scheduled post back into a draft (one public before keeps its first date for a
    later republication). Records one event per change and returns how many changed."""
    return _change_posts(posts=posts, moderator=moderator, action=ModerationEvent.Action.UNPUBLISH, source=source)


def _set_post_status(post: Post, status: str, publish_at: datetime | None = None) -> bool:
    """Change the post's status through the posts app's own rules; False if they refuse."""
    changes = {"status": status}
    if status == Post.Status.SCHEDULED:
        changes["publish_at"] = publish_at or post.publish_at
    try:
        update_post(post=post, **changes)
    except ValidationError:
        return False
    return True


def _change_posts(*, posts, moderator, action, source, caused_by: ModerationEvent | None = None) -> int:
    target = Post.Status.PUBLISHED if action == ModerationEvent.Action.PUBLISH else Post.Status.DRAFT
    changed = 0
    with transaction.atomic():
        for post in posts:
            if post.status == target:
                continue
            previous_status = post.status
            # Unpublishing forgets when a scheduled post was to appear; undoing it needs that time back.
            previous_publish_at = post.publish_at if previous_status == Post.Status.SCHEDULED else None
            if not _set_post_status(post, target):
                continue
            ModerationEvent.objects.create(
                moderator=moderator,
                action=action,
                source=source,
                post=post,
                target_user_id=post.author_id,
                caused_by=caused_by,
                previous_status=previous_status,
                previous_publish_at=previous_publish_at,
            )
            changed += 1
    return changed
