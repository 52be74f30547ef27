"""Cache invalidation: every change to what a page shows moves the versions of the scopes it touches.

Each bump happens twice: at once, and again after the transaction commits. The second one matters: a
request that read the new version before the commit may have rendered the old rows and stored them under
it. Writes that bypass model signals (bulk updates in moderation) send `comments.signals.comments_changed`.
"""

import logging

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver

from accounts.signals import remote_avatars_changed
from blocklist.models import BlockedSite
from blogsite.versions import (
    GLOBAL,
    INBOXES,
    SITE,
    blog_scope,
    bump,
    member_scope,
    note_schedule_changed,
    post_scope,
)
from comments.models import Comment
from comments.notifications import KIND_FIELDS
from comments.signals import comments_changed
from community.models import Notification
from community.signals import inbox_changed
from federation.models import Reaction
from federation.signals import reactions_changed
from library.signals import pictures_changed
from mentions.models import Mention
from mentions.signals import mentions_changed
from posts.models import Blog, Label, Post
from posts.signals import post_published

User = get_user_model()
logger = logging.getLogger(__name__)


def bump_now_and_on_commit(*scopes: str) -> None:
    bump(*scopes)
    transaction.on_commit(lambda: bump(*scopes))


def _username(user_id) -> str | None:
    return User.objects.filter(pk=user_id).values_list("username", flat=True).first()


def posts_changed(post_ids) -> None:
    """Bump the site, the blogs and the threads of these posts (one query for the blogs)."""
    post_ids = set(post_ids)
    usernames = set(Post.objects.filter(pk__in=post_ids).values_list("author__username", flat=True))
    bump_now_and_on_commit(SITE, *map(blog_scope, usernames), *map(post_scope, post_ids))


@receiver(post_save, sender=Post)
@receiver(post_delete, sender=Post)
def post_changed(sender, instance, **kwargs):
    scopes = [SITE, post_scope(instance.pk)]
    username = _username(instance.author_id)
    if username:
        scopes.append(blog_scope(username))
    bump_now_and_on_commit(*scopes)
    note_schedule_changed()


@receiver(m2m_changed, sender=Post.labels.through)
def post_labels_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Post):
        post_changed(Post, instance)


@receiver(post_published)
def post_was_published(sender, post, **kwargs):
    post_changed(Post, post)


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, origin=None, **kwargs):
    # A delete that is not of one comment (a post's or an account's, or a bulk delete of comments) sends
    # one signal per row; the post's or the account's receiver moves the versions on, and a bulk delete
    # of comments sends `comments_changed` once, so thousands of rows cost nothing more here.
    if origin is not None and not isinstance(origin, Comment):
        return
    posts_changed([instance.post_id])


@receiver(comments_changed)
def comments_were_changed(sender, post_ids, **kwargs):
    posts_changed(post_ids)


@receiver(post_save, sender=Blog)
@receiver(post_delete, sender=Blog)
def blog_changed(sender, instance, **kwargs):
    scopes = [SITE]
    username = _username(instance.owner_id)
    if username:
        scopes.append(blog_scope(username))
    bump_now_and_on_commit(*scopes)


# What an account saves that no shared page shows: signing in (last_login), the reader's own language and time
# zone (a blog has its own), and how they hear of replies, comments and moderation (an unsubscribe link).
PRIVATE_FIELDS = frozenset({"last_login", "language", "time_zone", *KIND_FIELDS.values()})


@receiver(pre_save, sender=User)
def user_saving(sender, instance, update_fields=None, **kwargs):
    # A new username moves the blog to a new address: the pages cached at the old one must go too.
    if instance.pk and (update_fields is None or "username" in update_fields):
        instance._username_before = _username(instance.pk)


@receiver(post_save, sender=User)
def user_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # What is kept of the member's own (see `member_scope`) goes with any change to their account.
    bump_now_and_on_commit(member_scope(instance.pk))
    # A new account shows nowhere yet, and a save of its own settings alone (see PRIVATE_FIELDS) changes no
    # shared page.
    if created or (update_fields is not None and set(update_fields) <= PRIVATE_FIELDS):
        return
    account_shown_changed(instance)


# Beyond this many threads, a change to an account that commented in them all moves every page on at once:
# one counter written, not three for each thread (each a file write without Redis), inside the request.
MANY_THREADS = 200


def account_shown_changed(user) -> None:
    """Move on the pages that show an account (its name, picture, whether it is active): its blog (at its old
    address too, after a new username), the site's lists and profiles (its posts, its recent comments) and
    the threads it commented in, with their posts' pages and feeds; no other blog's, unless it commented in
    more than MANY_THREADS (then every page). Two queries at most."""
    usernames = {user.username, getattr(user, "_username_before", None)} - {None}
    commented = Comment.objects.filter(author=user).order_by().values_list("post_id", flat=True).distinct()
    commented = set(commented[: MANY_THREADS + 1])
    if len(commented) > MANY_THREADS:
        bump_now_and_on_commit(GLOBAL)
        return
    # The site, and the blogs and threads of the posts it commented on (none: the site alone, no query).
    posts_changed(commented)
    bump_now_and_on_commit(*map(blog_scope, usernames))


@receiver(post_delete, sender=User)
def user_deleted(sender, instance, **kwargs):
    bump_now_and_on_commit(member_scope(instance.pk))
    # Their comments went before them (or stay as nameless placeholders), leaving no trace of the threads
    # they were in: everything moves on.
    bump_now_and_on_commit(GLOBAL)


@receiver(post_save, sender=EmailAddress)
@receiver(post_delete, sender=EmailAddress)
def email_address_changed(sender, instance, **kwargs):
    # Whether a member may comment depends on a confirmed address (accounts.policy).
    bump_now_and_on_commit(member_scope(instance.user_id))


# Beyond this many members, a change to inboxes (a post's fan-out to its followers) moves every member's
# unread count on at once: one counter written, not one for each.
MANY_INBOXES = 20


@receiver(post_save, sender=Notification)
def notification_saved(sender, instance, **kwargs):
    # One entry saved by itself (the inbox's own writes are bulk ones, see `inbox_changed`). Entries go
    # only with their post, comment or recipient, whose deletion moves the site's or the global version.
    bump_now_and_on_commit(member_scope(instance.recipient_id))


@receiver(inbox_changed)
def inboxes_changed(sender, recipient_ids, **kwargs):
    recipient_ids = set(recipient_ids)
    if len(recipient_ids) > MANY_INBOXES:
        bump_now_and_on_commit(INBOXES)
    elif recipient_ids:
        bump_now_and_on_commit(*map(member_scope, recipient_ids))


@receiver(post_save, sender=Label)
@receiver(post_delete, sender=Label)
def label_changed(sender, instance, **kwargs):
    bump_now_and_on_commit(GLOBAL)


@receiver(pictures_changed)
def pictures_were_changed(sender, picture_ids, **kwargs):
    # A post page offers its pictures' renditions once they exist (library.html): the pages showing them
    # must not go on being served without (one query for the posts, one for their blogs).
    post_ids = set(Post.pictures.through.objects.filter(picture_id__in=picture_ids).values_list("post_id", flat=True))
    if post_ids:
        posts_changed(post_ids)


@receiver(post_save, sender=Mention)
@receiver(post_delete, sender=Mention)
def mention_changed(sender, instance, origin=None, **kwargs):
    # As for comments: a post's delete takes its mentions along, and the post's receiver covers them. A
    # delete of mentions themselves (one, or a queryset of them) moves their posts on.
    if origin is not None and not isinstance(origin, Mention) and getattr(origin, "model", None) is not Mention:
        return
    posts_changed([instance.post_id])


@receiver(mentions_changed)
def mentions_were_changed(sender, post_ids, **kwargs):
    posts_changed(post_ids)


@receiver(post_save, sender=BlockedSite)
@receiver(post_delete, sender=BlockedSite)
def blocked_site_changed(sender, instance, **kwargs):
    # What a blocked site sent leaves (or comes back to) every post page it is on.
    bump_now_and_on_commit(GLOBAL)


@receiver(post_save, sender=Reaction)
@receiver(post_delete, sender=Reaction)
def reaction_changed(sender, instance, origin=None, **kwargs):
    # A post page shows its likes and boosts from the fediverse. A delete of reactions as a queryset (a block,
    # an Undo) sends `reactions_changed` once, and a post's delete moves the post's versions on itself.
    model = getattr(origin, "model", type(origin))
    if (model is Reaction and not isinstance(origin, Reaction)) or model is Post:
        return
    posts_changed([instance.post_id])


@receiver(reactions_changed)
def reactions_were_changed(sender, post_ids, **kwargs):
    posts_changed(post_ids)


@receiver(post_migrate)
def migrated(sender, plan=None, **kwargs):
    # A data migration may change what pages show (a site added to the blocklist hides replies) without a
    # signal: pages cached before it are not read again. Sent once per app; moving on twice costs nothing.
    if not plan:
        return
    try:
        bump(GLOBAL)
    except Exception:
        logger.warning("Could not move the page cache on after migrating: pages may be stale", exc_info=True)


@receiver(remote_avatars_changed)
def remote_avatars_were_changed(sender, avatar_ids, **kwargs):
    # A picture of someone from elsewhere arrived (or changed, or went): the posts where their replies and
    # webmentions show move on (one query for each, one for the blogs); nothing else shows these pictures.
    post_ids = set(Comment.objects.filter(remote_avatar__in=avatar_ids).values_list("post_id", flat=True))
    post_ids |= set(Mention.objects.filter(author_avatar__in=avatar_ids).values_list("post_id", flat=True))
    if post_ids:
        posts_changed(post_ids)
