"""Email about comments: to a post's author on a new comment, to a comment's author on a reply.

The mail is recorded in the outbox with the comment (or the moderation decision), in its transaction, and a task
sends it once that commits (background/mail.py): the reader who commented never waits for the mail server, and
a server that is down gets the mail later. Each message is keyed by the comment, its kind and its recipient, so
that nobody hears twice about one comment. Every message carries a one-click unsubscribe link (RFC 8058) with a
signed token.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from accounts.models import Notify
from background.mail import queue_mail, render_mail
from blogsite.addresses import site_url

from .models import Comment

UNSUBSCRIBE_SALT = "comments.unsubscribe"
# The kind of email a token unsubscribes from, and the user's choice it turns to "inbox only".
KIND_FIELDS = {"comment": "notify_comments", "reply": "notify_replies", "moderation": "notify_moderation"}


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
    """No more mail of this kind, at once or in the digest: the events stay in the inbox."""
    field = KIND_FIELDS[kind]
    if getattr(user, field) in (Notify.INSTANT, Notify.DIGEST):
        setattr(user, field, Notify.INBOX)
        user.save(update_fields=[field])


def wants_mail_at_once(user, kind: str) -> bool:
    """Whether `user` is to be mailed at once about this kind of event (no query)."""
    return getattr(user, KIND_FIELDS[kind]) == Notify.INSTANT and bool(user.email) and user.is_active


def _mail(*, comment, recipient, kind: str, template: str, context: dict, base_url: str):
    base = site_url(base_url)
    unsubscribe_url = base + reverse("comments:unsubscribe", kwargs={"token": make_unsubscribe_token(recipient, kind)})
    return render_mail(
        key=f"comment:{comment.pk}:{kind}:{recipient.pk}",
        to=recipient.email,
        template=template,
        context={**context, "recipient": recipient, "unsubscribe_url": unsubscribe_url, "site_url": base},
        language=recipient.language,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notify_new_comment(comment, *, base_url: str = "") -> None:
    """Queue mail to the post's author about a new comment, and to the parent's author about an approved reply.

    Nobody hears about their own comment, and each person gets at most one message per comment. Call it inside
    the comment's transaction: the mail goes out only if that commits.
    """
    post = comment.post
    post_author = post.author
    author = comment.author
    base = site_url(base_url)
    context = {
        "comment": comment,
        "post": post,
        "comment_url": base + comment.get_absolute_url(),
        "dashboard_url": base + reverse("moderation:queue"),
    }
    notified = {author.pk} if author else set()
    mails = []
    parent = comment.parent
    if (
        parent is not None
        and comment.status == comment.Status.APPROVED
        and parent.author is not None
        and parent.author.pk not in notified
        and wants_mail_at_once(parent.author, "reply")
    ):
        notified.add(parent.author.pk)
        mails.append(
            _mail(
                comment=comment,
                recipient=parent.author,
                kind="reply",
                template="comments/email/reply",
                context={**context, "parent": parent},
                base_url=base,
            )
        )
    if (
        post_author.pk not in notified
        and wants_mail_at_once(post_author, "comment")
        and comment.status in (comment.Status.APPROVED, comment.Status.PENDING)
    ):
        mails.append(
            _mail(
                comment=comment,
                recipient=post_author,
                kind="comment",
                template="comments/email/new_comment",
                context={**context, "pending": comment.status == comment.Status.PENDING},
                base_url=base,
            )
        )
    queue_mail(mails)


def notify_replies_approved(comment_ids, *, base_url: str = "") -> None:
    """Queue mail to the parents' authors about replies that moderation has just approved (two queries: the
    replies, then the mail). Call it inside the decision's transaction.

    The post's author already heard about them when they arrived awaiting approval.
    """
    replies = Comment.objects.filter(
        pk__in=list(comment_ids), parent__isnull=False, status=Comment.Status.APPROVED
    ).select_related("author", "post__author", "parent__author")
    base = site_url(base_url)
    mails = []
    for comment in replies:
        parent_author = comment.parent.author
        if parent_author is None or parent_author.pk == comment.author_id:
            continue
        if not wants_mail_at_once(parent_author, "reply"):
            continue
        mails.append(
            _mail(
                comment=comment,
                recipient=parent_author,
                kind="reply",
                template="comments/email/reply",
                context={
                    "comment": comment,
                    "post": comment.post,
                    "parent": comment.parent,
                    "comment_url": base + comment.get_absolute_url(),
                },
                base_url=base,
            )
        )
    queue_mail(mails)


def notify_held_comments_decided(comments, *, approved: bool, base_url: str = "") -> None:
    """Queue mail to the authors of held comments that a moderator has just approved or removed, for those who
    asked to hear of it at once (two queries: the comments with their authors, the mail). Call it inside the
    decision's transaction."""
    decided = Comment.objects.filter(pk__in=[c.pk for c in comments], author__isnull=False).select_related(
        "author", "post__author"
    )
    base = site_url(base_url)
    mails = [
        _mail(
            comment=comment,
            recipient=comment.author,
            kind="moderation",
            template="comments/email/decided",
            context={
                "comment": comment,
                "post": comment.post,
                "approved": approved,
                "comment_url": base + comment.get_absolute_url(),
            },
            base_url=base,
        )
        for comment in decided
        if wants_mail_at_once(comment.author, "moderation")
    ]
    queue_mail(mails)
