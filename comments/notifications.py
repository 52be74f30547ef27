"""Email about comments: to a post's author on a new comment, to a comment's author on a reply.

Mail goes out after the comment's transaction commits; a failure to send is logged and never reaches the
reader who commented. Every message carries a one-click unsubscribe link (RFC 8058) with a signed token.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Comment

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "comments.unsubscribe"
# The kind of email a token unsubscribes from, and the user switch it turns off.
KIND_FIELDS = {"comment": "notify_on_comment", "reply": "notify_on_reply"}


def make_unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str):
    """The (user, kind) a token stands for, or None when it is forged, damaged or the user is gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KIND_FIELDS:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None:
        return None
    return user, data["k"]


def unsubscribe(user, kind: str) -> None:
    field = KIND_FIELDS[kind]
    if getattr(user, field):
        setattr(user, field, False)
        user.save(update_fields=[field])


def site_url(base_url: str = "") -> str:
    """The site's address for links in email: the request's when there is one, else SITE_URL, else the
    first allowed host."""
    if base_url or getattr(settings, "SITE_URL", ""):
        return (base_url or settings.SITE_URL).rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
    if settings.DEBUG or not hosts:
        return "http://localhost:8000"
    return f"https://{hosts[0]}"


def _send(*, recipient, kind: str, subject: str, template: str, context: dict, base_url: str) -> None:
    base = site_url(base_url)
    unsubscribe_url = base + reverse("comments:unsubscribe", kwargs={"token": make_unsubscribe_token(recipient, kind)})
    body = render_to_string(
        template,
        {**context, "recipient": recipient, "unsubscribe_url": unsubscribe_url, "site_url": base},
    )
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception:
        logger.exception("Could not send the %s notification to user %s", kind, recipient.pk)


def notify_new_comment(comment, *, base_url: str = "") -> None:
    """Tell the post's author about a new comment, and the parent's author about an approved reply.

    Nobody hears about their own comment, and each person gets at most one message per comment.
    """
    post = comment.post
    post_author = post.author
    author = comment.author
    base = site_url(base_url)
    context = {
        "comment": comment,
        "post": post,
        "comment_url": base + comment.get_absolute_url(),
        "dashboard_url": base + reverse("comments:queue"),
    }
    notified = {author.pk} if author else set()
    parent = comment.parent
    if (
        parent is not None
        and comment.status == comment.Status.APPROVED
        and parent.author is not None
        and parent.author.pk not in notified
        and parent.author.notify_on_reply
        and parent.author.email
        and parent.author.is_active
    ):
        notified.add(parent.author.pk)
        _send(
            recipient=parent.author,
            kind="reply",
            subject=f"{comment.author_name} replied to your comment on “{post.title}”",
            template="comments/email/reply.txt",
            context={**context, "parent": parent},
            base_url=base,
        )
    if (
        post_author.pk not in notified
        and post_author.notify_on_comment
        and post_author.email
        and post_author.is_active
        and comment.status in (comment.Status.APPROVED, comment.Status.PENDING)
    ):
        pending = comment.status == comment.Status.PENDING
        subject = (
            f"A comment on “{post.title}” awaits your approval"
            if pending
            else f"{comment.author_name} commented on “{post.title}”"
        )
        _send(
            recipient=post_author,
            kind="comment",
            subject=subject,
            template="comments/email/new_comment.txt",
            context={**context, "pending": pending},
            base_url=base,
        )


def notify_replies_approved(comment_ids, *, base_url: str = "") -> None:
    """Tell the parents' authors about replies that moderation has just approved (one query, then mail).

    The post's author already heard about them when they arrived awaiting approval.
    """
    replies = Comment.objects.filter(
        pk__in=list(comment_ids), parent__isnull=False, status=Comment.Status.APPROVED
    ).select_related("author", "post__author", "parent__author")
    base = site_url(base_url)
    for comment in replies:
        parent_author = comment.parent.author
        if parent_author is None or parent_author.pk == comment.author_id:
            continue
        if not parent_author.notify_on_reply or not parent_author.email or not parent_author.is_active:
            continue
        _send(
            recipient=parent_author,
            kind="reply",
            subject=f"{comment.author_name} replied to your comment on “{comment.post.title}”",
            template="comments/email/reply.txt",
            context={
                "comment": comment,
                "post": comment.post,
                "parent": comment.parent,
                "comment_url": base + comment.get_absolute_url(),
            },
            base_url=base,
        )
