"""Cache invalidation: every change to what a page shows moves the versions of the scopes it touches.

Each bump happens twice: at once, and again after the transaction commits. The second one matters: a
request that read the new version before the commit may have rendered the old rows and stored them under
it. Writes that bypass model signals (bulk updates in moderation) send `comments.signals.comments_changed`.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from blocklist.models import BlockedSite
from comments.models import Comment
from comments.signals import comments_changed
from federation.models import Reaction
from federation.signals import reactions_changed
from library.signals import pictures_changed
from mentions.models import Mention
from mentions.signals import mentions_changed
from posts.models import Blog, Label, Post
from posts.signals import post_published

from .versions import GLOBAL, SITE, blog_scope, bump, note_schedule_changed, post_scope

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


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def user_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # A new account shows nowhere yet, and signing in saves last_login, which no page shows.
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    bump_now_and_on_commit(GLOBAL)


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
