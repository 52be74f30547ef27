"""Moderation decisions, from a blog owner's dashboard or from the admin, each one recorded as a ModerationEvent:
comments (approve, spam, remove, restore), posts (publish, unpublish) and users (ban, unban)."""

import re
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

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


# How the events written by a ban tie back to it, so that an unban can undo exactly what the ban did:
# each comment removal or post unpublication that a ban causes carries this note.
BAN_NOTE = "With ban #{ban_id}; was {status}"
BAN_NOTE_RE = re.compile(r"^With ban #(?P<ban_id>\d+); was (?P<status>[a-z]+)(?: for (?P<publish_at>\S+))?$")


def _ban_note(ban_id: int, obj) -> str:
    note = BAN_NOTE.format(ban_id=ban_id, status=obj.status)
    if isinstance(obj, Post) and obj.status == Post.Status.SCHEDULED and obj.publish_at:
        # Unpublishing forgets when a scheduled post was to appear; the unban needs it back.
        note += f" for {obj.publish_at.isoformat()}"
    return note


def can_ban(moderator, user) -> bool:
    """Whether `moderator` may ban (or unban) `user`: never themselves; staff and superusers only by a superuser."""
    if user.pk == moderator.pk:
        return False
    if user.is_staff or user.is_superuser:
        return moderator.is_superuser
    return True


def _record_for_comments(comments, action: str, *, by: ModerationEvent, note) -> None:
    """One event per comment that a ban or an unban (`by`) changed, at its time and in its name (one query)."""
    ModerationEvent.objects.bulk_create(
        ModerationEvent(
            moderator=by.moderator,
            action=action,
            source=by.source,
            comment_id=c.pk,
            post_id=c.post_id,
            target_user=by.target_user,
            note=note(c),
            created_at=by.created_at,
        )
        for c in comments
    )


def ban_user(*, user, moderator, remove_all_comments: bool = False, unpublish_posts: bool = False) -> ModerationEvent:
    """Deactivate `user` and remove their pending comments (or every visible comment), and optionally unpublish
    their posts. Returns the recorded ban event.

    Deactivation ends the user's sessions at once: authentication backends refuse inactive users. Each removal
    and unpublication is recorded with a note naming the ban and the previous status, which `unban_user` reads
    to undo exactly this. A constant number of queries plus one save per unpublished post.
    """
    if not can_ban(moderator, user):
        raise PermissionDenied(_("Only a superuser may ban a staff account, and nobody may ban themselves."))
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        options = []
        if remove_all_comments:
            options.append("all comments removed")
        if unpublish_posts:
            options.append("posts unpublished")
        ban = ModerationEvent.objects.create(
            moderator=moderator,
            action=ModerationEvent.Action.BAN,
            source=ModerationEvent.Source.ADMIN,
            target_user=user,
            note="; ".join(options) or "pending comments removed",
        )
        removable = [Comment.Status.PENDING]
        if remove_all_comments:
            removable.append(Comment.Status.APPROVED)
        comments = list(Comment.objects.filter(author=user, status__in=removable).only("pk", "post_id", "status"))
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(status=Comment.Status.REMOVED)
        comments_changed.send(sender=Comment, post_ids={c.post_id for c in comments})
        _record_for_comments(comments, ModerationEvent.Action.REMOVE, by=ban, note=lambda c: _ban_note(ban.pk, c))
        if unpublish_posts:
            posts = Post.objects.filter(author=user).exclude(status=Post.Status.DRAFT).select_related("author")
            _change_posts(
                posts=posts,
                moderator=moderator,
                action=ModerationEvent.Action.UNPUBLISH,
                source=ModerationEvent.Source.ADMIN,
                note=lambda post: _ban_note(ban.pk, post),
            )
    return ban


def unban_user(*, user, moderator) -> ModerationEvent:
    """Reactivate `user` and undo what their bans since the last unban removed or unpublished, where nobody
    has changed it since. Returns the recorded unban event. A constant number of queries plus one save per
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
        ban_ids = {str(pk) for pk in bans.values_list("pk", flat=True)}
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        unban = ModerationEvent.objects.create(
            moderator=moderator,
            action=ModerationEvent.Action.UNBAN,
            source=ModerationEvent.Source.ADMIN,
            target_user=user,
            note=f"Undoes ban #{', #'.join(sorted(ban_ids, key=int))}" if ban_ids else "",
        )
        caused = ModerationEvent.objects.filter(
            target_user=user,
            action__in=[ModerationEvent.Action.REMOVE, ModerationEvent.Action.UNPUBLISH],
            note__startswith="With ban #",
        ).values_list("action", "comment_id", "post_id", "note")
        comment_status, post_status = {}, {}
        for action, comment_id, post_id, note in caused:
            match = BAN_NOTE_RE.match(note)
            if not match or match["ban_id"] not in ban_ids:
                continue
            if action == ModerationEvent.Action.REMOVE and comment_id:
                comment_status[comment_id] = match["status"]
            elif action == ModerationEvent.Action.UNPUBLISH and post_id:
                publish_at = datetime.fromisoformat(match["publish_at"]) if match["publish_at"] else None
                post_status[post_id] = (match["status"], publish_at)
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
            comments,
            ModerationEvent.Action.RESTORE,
            by=unban,
            note=lambda c: f"With unban #{unban.pk}; back to {comment_status[c.pk]}",
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
                note=f"With unban #{unban.pk}; back to {post.status}",
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


def _change_posts(*, posts, moderator, action, source, note=None) -> int:
    target = Post.Status.PUBLISHED if action == ModerationEvent.Action.PUBLISH else Post.Status.DRAFT
    changed = 0
    with transaction.atomic():
        for post in posts:
            if post.status == target:
                continue
            event_note = note(post) if note else ""
            if not _set_post_status(post, target):
                continue
            ModerationEvent.objects.create(
                moderator=moderator,
                action=action,
                source=source,
                post=post,
                target_user_id=post.author_id,
                note=event_note,
            )
            changed += 1
    return changed
