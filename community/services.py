"""Following blogs, guest subscriptions and the inbox: the writes, each in one transaction, with the mail they
cause recorded in it (background/mail.py) and sent once it commits."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Notify, User
from background.mail import queue_mail, render_mail
from blogsite.ratelimit import count_hit
from comments.models import Comment
from comments.notifications import KIND_FIELDS, site_url
from comments.signals import comments_changed
from posts.models import Blog

from . import tokens
from .models import Delivery, Follow, GuestSubscription, InboxFeed, Notification, new_feed_key
from .signals import inbox_changed

# Confirmation mails one address may receive in a day, whoever asks and for whichever blogs: someone who
# types another person's address a hundred times sends them this many at most.
CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3


class Refused(Exception):
    """A request that cannot be carried out; `message` says why, for the reader; `status_code` for the answer."""

    status_code = 400

    def __init__(self, message: str, status_code: int | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        if status_code:
            self.status_code = status_code
        self.retry_after = retry_after


def _followable_blog(owner) -> Blog:
    if not owner.is_active:
        raise Refused(_("This blog is not on the site any more."), 404)
    blog, _created = Blog.objects.get_or_create(owner=owner)
    return blog


def follow_blog(*, follower, owner, delivery: str = Delivery.INSTANT) -> Follow:
    """`follower` follows `owner`'s blog (or changes how they hear of it). Refused for one's own blog and for
    blogs off the site."""
    if delivery not in Delivery.values:
        raise Refused(_("Choose how you want to hear of new posts."))
    if not policy.can_follow(follower, owner):
        raise Refused(_("This is your own blog: you will always know when you publish."))
    with transaction.atomic():
        blog = _followable_blog(owner)
        # get_or_create inserts in a savepoint and reads the row a double click's other request made.
        follow, created = Follow.objects.get_or_create(follower=follower, blog=blog, defaults={"delivery": delivery})
        if not created and follow.delivery != delivery:
            follow.delivery = delivery
            follow.save(update_fields=["delivery"])
    return follow


def unfollow_blog(*, follower, owner) -> bool:
    """Stop following; True if there was a follow."""
    deleted, _by_model = Follow.objects.filter(follower=follower, blog__owner=owner).delete()
    return bool(deleted)


def follower_count(owner) -> int:
    """Members following the blog plus guests who confirmed their address (one query)."""
    members = Follow.objects.filter(blog__owner=owner).order_by().values("pk")
    guests = GuestSubscription.objects.filter(blog__owner=owner, confirmed_at__isnull=False).order_by().values("pk")
    return members.union(guests, all=True).count()


def _check_guest_rate(ip_address: str | None) -> None:
    limit = settings.GUEST_SUBSCRIBE_RATE_PER_HOUR
    if limit <= 0 or not ip_address:
        return
    count, retry_after = count_hit(f"community:subscribe:ip:{ip_address}", window=3600)
    if count > limit:
        raise Refused(_("Too many subscriptions from your address. Please try again later."), 429, retry_after)


def subscribe_guest(*, owner, email: str, delivery: str = Delivery.INSTANT, ip_address=None, base_url="") -> None:
    """A visitor asks for `owner`'s new posts at `email`: one confirmation mail, and nothing else until its link
    is followed. The answer is the same whether the address is new, waiting or already confirmed, so that the
    form tells nobody who reads which blog. An address gets at most CONFIRMATIONS_PER_ADDRESS_PER_DAY
    confirmation mails a day, and one per blog a day; an IP address may ask GUEST_SUBSCRIBE_RATE_PER_HOUR
    times an hour (Refused with 429 beyond)."""
    if delivery not in (Delivery.INSTANT, Delivery.DIGEST):
        raise Refused(_("Choose how you want to hear of new posts."))
    _check_guest_rate(ip_address)
    email = email.strip().lower()
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    with transaction.atomic():
        blog = _followable_blog(owner)
        # A guest has no profile: the language they ask in is the one their mail speaks.
        language = translation.get_language()
        guest, created = GuestSubscription.objects.get_or_create(
            blog=blog, email=email, defaults={"delivery": delivery, "language": language}
        )
        if guest.confirmed_at is not None:
            return
        if not created and guest.created_at > day_ago:
            return
        sent_today = GuestSubscription.objects.filter(
            email=email, confirmed_at__isnull=True, created_at__gt=day_ago
        ).count()
        if sent_today > CONFIRMATIONS_PER_ADDRESS_PER_DAY:
            if created:
                guest.delete()
            return
        if not created:
            # Asked again after a day: a new confirmation, counted from now.
            guest.created_at, guest.delivery, guest.language = now, delivery, language
            GuestSubscription.objects.filter(pk=guest.pk).update(created_at=now, delivery=delivery, language=language)
        base = site_url(base_url)
        confirm_url = base + reverse("community:confirm", kwargs={"token": tokens.confirm_token(guest)})
        queue_mail(
            [
                render_mail(
                    key=f"guest:{guest.pk}:confirm:{int(guest.created_at.timestamp())}",
                    to=email,
                    template="community/email/confirm",
                    context={"blog": blog, "owner": owner, "confirm_url": confirm_url, "site_url": base},
                    language=guest.language,
                )
            ]
        )


def confirm_guest(token: str) -> GuestSubscription:
    """Confirm the subscription a token names; BadToken (a subclass message) or Refused when it can't be."""
    guest_id, email = tokens.read_confirm_token(token)
    guest = GuestSubscription.objects.select_related("blog__owner").filter(pk=guest_id, email=email).first()
    if guest is None:
        raise Refused(_("This subscription no longer exists. You can subscribe again from the blog."), 404)
    if guest.confirmed_at is None:
        guest.confirmed_at = timezone.now()
        guest.save(update_fields=["confirmed_at"])
    return guest


def describe_unsubscribe(token: str):
    """The follow or guest subscription an unsubscribe token ends, or None when it has ended already.
    BadToken for a forged or expired token."""
    kind, pk = tokens.read_unsubscribe_token(token)
    if kind == "follow":
        return Follow.objects.select_related("blog__owner", "follower").filter(pk=pk).first()
    if kind == "digest":
        return User.objects.filter(pk=pk).first()
    return GuestSubscription.objects.select_related("blog__owner").filter(pk=pk).first()


@transaction.atomic
def unsubscribe(token: str) -> None:
    """End the mail a token is about: a member's follow keeps their inbox but mails no more; a guest's
    subscription is deleted; a member's digest stops, every kind of entry in it going to the inbox only.
    Doing it twice is harmless."""
    target = describe_unsubscribe(token)
    if isinstance(target, Follow):
        Follow.objects.filter(pk=target.pk).update(delivery=Delivery.INBOX)
    elif isinstance(target, GuestSubscription):
        GuestSubscription.objects.filter(pk=target.pk).delete()
    elif isinstance(target, User):
        # The digest also carries the replies, comments and decisions the member chose to read weekly.
        Follow.objects.filter(follower=target, delivery=Delivery.DIGEST).update(delivery=Delivery.INBOX)
        digest_fields = [field for field in KIND_FIELDS.values() if getattr(target, field) == Notify.DIGEST]
        for field in digest_fields:
            setattr(target, field, Notify.INBOX)
        if digest_fields:
            target.save(update_fields=digest_fields)
        Notification.objects.filter(recipient=target, in_digest=True).update(in_digest=False)


# The inbox.


def unread_count(user) -> int:
    """The member's unread inbox entries (one query, through the partial index on unread entries)."""
    return Notification.objects.filter(recipient=user).unread().visible().count()


def mark_read(*, user, pk: int) -> bool:
    """Mark one of the user's own entries read; False when it is not theirs (or not there)."""
    marked = Notification.objects.filter(recipient=user, pk=pk).unread().update(read_at=timezone.now())
    if marked:
        inbox_changed.send(sender=Notification, recipient_ids={user.pk})
    return bool(marked)


def mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    if marked:
        inbox_changed.send(sender=Notification, recipient_ids={user.pk})
    return marked


def add_entries(entries) -> None:
    """Save new inbox entries (the Nones left out), at most once per event and recipient, and tell the
    caches of the recipients' unread counts (one query)."""
    entries = [entry for entry in entries if entry is not None]
    if not entries:
        return
    Notification.objects.bulk_create(entries, ignore_conflicts=True)
    inbox_changed.send(sender=Notification, recipient_ids={entry.recipient_id for entry in entries})


def reset_inbox_feed(*, user) -> InboxFeed:
    """A new secret address for the user's inbox feed; the old one stops working at once."""
    feed, created = InboxFeed.objects.get_or_create(user=user)
    if not created:
        feed.key = new_feed_key()
        feed.save(update_fields=["key", "created_at"])
    return feed


def revoke_inbox_feed(*, user) -> None:
    InboxFeed.objects.filter(user=user).delete()


def notify_comment_posted(comment: Comment) -> None:
    """Inbox entries for a new comment: its parent's author hears of an approved reply, the post's author of any
    comment on their post (held ones too: they decide), each as their settings say. Nobody hears of their own
    comment. One query."""
    post = comment.post
    entries = []
    heard = {comment.author_id}
    parent = comment.parent
    if parent is not None and comment.status == Comment.Status.APPROVED and parent.author_id not in (None, *heard):
        heard.add(parent.author_id)
        entries.append(_entry(Notification.Kind.REPLY, parent.author, parent.author.notify_replies, comment))
    if post.author_id not in heard:
        entries.append(_entry(Notification.Kind.COMMENT, post.author, post.author.notify_comments, comment))
    add_entries(entries)


def notify_moderated(*, comments, previous: dict) -> None:
    """Inbox entries for a moderation decision: the author of each held comment hears that it was approved or
    removed, and the parent's author of each held reply now approved hears of the reply, each as their settings
    say. Three queries at most."""
    held = [c for c in comments if previous.get(c.pk) == Comment.Status.PENDING and c.author_id]
    if not held:
        return
    if held[0].status == Comment.Status.APPROVED:
        kind = Notification.Kind.APPROVED
    elif held[0].status == Comment.Status.REMOVED:
        kind = Notification.Kind.REMOVED
    else:
        # Spam: its writer is not told.
        return
    choices = dict(User.objects.filter(pk__in={c.author_id for c in held}).values_list("pk", "notify_moderation"))
    entries = [
        _entry(kind, None, choices.get(c.author_id, Notify.OFF), c, recipient_id=c.author_id, actor=False)
        for c in held
    ]
    if kind == Notification.Kind.APPROVED:
        replies = Comment.objects.filter(pk__in=[c.pk for c in held if c.parent_id]).exclude(
            parent__author__isnull=True
        )
        for reply in replies.select_related("parent__author").only(
            "pk", "author_id", "post_id", "parent__author__id", "parent__author__notify_replies"
        ):
            if reply.parent.author_id != reply.author_id:
                author = reply.parent.author
                entries.append(_entry(Notification.Kind.REPLY, author, author.notify_replies, reply))
    add_entries(entries)


def _entry(kind: str, recipient, choice: str, comment: Comment, *, recipient_id=None, actor=True):
    """An unsaved inbox entry about `comment`, or None when the recipient turned this kind off."""
    if choice == Notify.OFF:
        return None
    return Notification(
        recipient_id=recipient_id or recipient.pk,
        kind=kind,
        actor_id=comment.author_id if actor else None,
        post_id=comment.post_id,
        comment=comment,
        in_digest=choice == Notify.DIGEST,
    )


# Claiming imported comments.


def verified_addresses(user) -> list[str]:
    """The user's email addresses that they have confirmed, in lower case (one query)."""
    from allauth.account.models import EmailAddress

    return [e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)]


def claimable_comments(user, addresses: list[str] | None = None):
    """Comments brought in by an import under a guest's email address that this user has confirmed as theirs
    (a queryset; no query of its own once `addresses` is known). None without a confirmed address."""
    addresses = verified_addresses(user) if addresses is None else addresses
    if not addresses:
        return Comment.objects.none()
    match = Q()
    for address in addresses:
        match |= Q(guest_email__iexact=address)
    return Comment.objects.filter(match, author__isnull=True).exclude(guest_email="")


def claim_comments(*, user) -> int:
    """Make the imported comments written under the user's confirmed addresses theirs: their name and picture,
    their edit and delete rights, replies in their inbox. The guest's name and address are dropped from the
    rows. Returns how many; Refused when there is nothing to claim with a confirmed address."""
    with transaction.atomic():
        comments = list(claimable_comments(user).select_for_update().only("pk", "post_id"))
        if not comments:
            raise Refused(_("There are no imported comments under an email address you have confirmed."))
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
            author=user, guest_name="", guest_email="", guest_url=""
        )
        comments_changed.send(sender=Comment, post_ids={c.post_id for c in comments})
    return len(comments)
