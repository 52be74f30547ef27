"""Replies from the fediverse: a `Note` in reply to a post (its permalink) or to a comment (`#c<pk>` on the
permalink, or a reply that came from the fediverse before) becomes a comment in the thread, as a guest's,
held for the blog owner's approval unless the blog publishes comments at once (comments.services). Only the
actor who wrote it may edit or delete it."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils.html import escape

from blocklist.models import BlockedSite
from comments.models import Comment
from comments.services import CommentRefused, edit_remote_comment, post_remote_comment
from posts.models import Post

from . import delivery, documents
from .models import Actor, RemoteActor, RemoteNote
from .moderation import is_blocked_by
from .remote import sync_avatar

logger = logging.getLogger(__name__)

COMMENT_FRAGMENT = re.compile(r"c([0-9]{1,18})")


def local_post(uri: str) -> Post | None:
    """The public post whose permalink is `uri` (any fragment aside), if it is on this site."""
    base = documents.base_url()
    if not uri.startswith(base + "/"):
        return None
    try:
        match = resolve(urlsplit(uri).path)
    except Resolver404:
        return None
    if match.view_name != "posts:detail":
        return None
    return (
        Post.objects.published()
        .select_related("author")
        .filter(author__username=str(match.kwargs["username"]).lower(), slug=match.kwargs["slug"])
        .first()
    )


def _target(uri: str) -> tuple[Post | None, Comment | None]:
    """The post and the comment (None: the post itself) that `uri` replies to."""
    post = local_post(uri)
    if post is not None:
        fragment = COMMENT_FRAGMENT.fullmatch(urlsplit(uri).fragment)
        if fragment is None:
            return post, None
        parent = Comment.objects.filter(post=post, pk=int(fragment[1])).first()
        return (post, parent) if parent is not None else (None, None)
    earlier = RemoteNote.objects.select_related("comment__post__author").filter(note_id=uri).first()
    if earlier is None:
        return None, None
    return earlier.comment.post, earlier.comment


def _text_of(note: dict) -> str:
    content = note.get("content")
    return content[:100_000] if isinstance(content, str) else ""


def receive_reply(note: dict, *, remote: RemoteActor, actor) -> Comment | None:
    """The comment `note` becomes, or None when it replies to nothing here or is refused."""
    note_id, reply_to = note.get("id"), note.get("inReplyTo")
    if (
        not isinstance(note_id, str)
        or not isinstance(reply_to, str)
        or note.get("attributedTo") not in (None, remote.uri)
    ):
        return None
    post, parent = _target(reply_to)
    if post is None or (actor is not None and post.author_id != actor.blog.owner_id):
        return None
    if is_blocked_by(owner_id=post.author_id, uri=remote.uri):
        return None
    url = note.get("url") if isinstance(note.get("url"), str) else note_id
    remote = sync_avatar(remote)
    try:
        with transaction.atomic():
            comment = post_remote_comment(
                post=post,
                parent=parent,
                name=remote.name or remote.username,
                handle=remote.handle,
                profile_url=remote.url or remote.uri,
                url=url,
                html=_text_of(note),
                avatar=remote.avatar,
            )
            RemoteNote.objects.create(comment=comment, note_id=note_id[:500], remote=remote)
    except IntegrityError:
        return None  # the same note, delivered twice
    except CommentRefused as exc:
        logger.info("Refused a reply from %s: %s", remote.uri, exc)
        return None
    return comment


def edit_reply(note: dict, *, remote: RemoteActor) -> None:
    known = RemoteNote.objects.select_related("comment").filter(note_id=note.get("id"), remote=remote).first()
    if known is not None and known.comment.status != Comment.Status.REMOVED:
        edit_remote_comment(comment=known.comment, html=_text_of(note))


def delete_reply(note_id: str, *, remote: RemoteActor) -> None:
    known = RemoteNote.objects.select_related("comment").filter(note_id=note_id, remote=remote).first()
    if known is not None:
        comment = known.comment
        comment.status = Comment.Status.REMOVED
        comment.save(update_fields=["status"])


def send_answer(comment_id: int) -> str:
    """Send an approved local comment that answers a reply from the fediverse to that reply's author, as a
    `Note` from the post's blog (the site's readers are not actors themselves) naming who wrote it. Returns
    what was done."""
    comment = (
        Comment.objects.select_related("post__author__blog", "author", "parent__remote_note__remote")
        .filter(pk=comment_id, status=Comment.Status.APPROVED, parent__isnull=False)
        .first()
    )
    note = getattr(comment.parent, "remote_note", None) if comment is not None else None
    if note is None:
        return "not an answer to the fediverse"
    actor = Actor.objects.filter(blog__owner_id=comment.post.author_id, is_federated=True).first()
    if actor is None or BlockedSite.objects.blocks(note.remote.instance.domain):
        return "not federated"
    username = comment.post.author.username
    url = documents.absolute(comment.get_absolute_url())
    byline = escape(comment.author_name)
    obj = {
        "id": url,
        "type": "Note",
        "attributedTo": documents.actor_id(username),
        "inReplyTo": note.note_id,
        "url": url,
        "published": comment.created_at.isoformat(),
        "to": [note.remote.uri],
        "cc": [documents.PUBLIC],
        "content": f"<p><strong>{byline}</strong>:</p>{comment.body_html}",
        "tag": [{"type": "Mention", "href": note.remote.uri, "name": note.remote.handle}],
    }
    payload = documents.activity("Create", username, obj, activity_id=f"{url}-create")
    payload["to"], payload["cc"] = obj["to"], obj["cc"]
    delivery.send(actor=actor, payload=payload, kind="Create", inboxes=[note.remote.inbox])
    return "sent"
