"""Hiding what blocked sites and accounts sent: their replies leave the threads (removed, as a moderator
would) and their likes and boosts stop counting."""

from django.db.models import Exists, OuterRef, QuerySet

from blocklist.models import BlockedSite
from comments.models import Comment
from comments.signals import comments_changed

from .models import BlockedActor, Reaction, RemoteNote
from .signals import reactions_changed


def hide_sent_by(
    *, sites: QuerySet[BlockedSite] | None = None, uri: str | None = None, blog_owner_id: int | None = None
) -> int:
    """Remove the replies (and reactions) from the instances `sites` block (subdomains included), or from the
    actor `uri` (on `blog_owner_id`'s posts only, when given); returns how many replies. A fixed number of
    queries."""
    notes = RemoteNote.objects.all()
    reactions = Reaction.objects.all()
    if sites is not None:
        covered = Exists(sites.covering(OuterRef("remote__instance__domain")))
        notes, reactions = notes.filter(covered), reactions.filter(covered)
    if uri is not None:
        notes, reactions = notes.filter(remote__uri=uri), reactions.filter(remote__uri=uri)
    if blog_owner_id is not None:
        notes = notes.filter(comment__post__author_id=blog_owner_id)
        reactions = reactions.filter(post__author_id=blog_owner_id)
    undo_reactions(reactions)
    shown = Comment.objects.filter(pk__in=notes.values("comment_id")).exclude(status=Comment.Status.REMOVED)
    post_ids = set(shown.values_list("post_id", flat=True))
    hidden = shown.update(status=Comment.Status.REMOVED)
    if post_ids:
        comments_changed.send(sender=Comment, post_ids=post_ids)
    return hidden


def is_blocked_by(*, owner_id: int, uri: str) -> bool:
    """Whether the blog of the user `owner_id` blocked the remote actor `uri`."""
    return BlockedActor.objects.filter(actor__blog__owner_id=owner_id, uri=uri).exists()


def undo_reactions(reactions) -> None:
    """Delete `reactions` (a queryset) and tell the caches of the posts whose counts changed: the posts, then
    the delete, which reads the rows first for their delete signals (three queries; SQLite deletes thousands of
    them in batches)."""
    post_ids = set(reactions.values_list("post_id", flat=True))
    if post_ids:
        reactions.delete()
        reactions_changed.send(sender=Reaction, post_ids=post_ids)
