"""The weekly digest: one mail per member with what waits for it (new posts from the blogs they follow by
digest), and one per guest with the posts of their blog since the last one. Run by `manage.py send_digests`."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from background.mail import queue_mail, render_mail
from comments.notifications import site_url
from posts.models import Post

from . import tokens
from .models import Delivery, GuestSubscription, Notification
from .tasks import unsubscribe_headers

# At most this many entries in one digest; what is left waits for the next week.
DIGEST_SIZE = 50


def _mail(*, key: str, to: str, context: dict, unsubscribe: str, base: str, language: str):
    unsubscribe_url = base + reverse("community:unsubscribe", kwargs={"token": unsubscribe})
    return render_mail(
        key=key,
        to=to,
        template="community/email/digest",
        context={**context, "unsubscribe_url": unsubscribe_url, "site_url": base},
        headers=unsubscribe_headers(unsubscribe_url),
        language=language,
    )


def send_member_digests(*, base: str) -> int:
    """One digest per member with entries waiting for it (three queries a member). Returns how many."""
    sent = 0
    waiting = (
        Notification.objects.filter(in_digest=True, recipient__is_active=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in list(waiting):
        with transaction.atomic():
            entries = list(
                Notification.objects.filter(recipient_id=recipient_id, in_digest=True)
                .visible()
                .for_listing()
                .select_related("recipient")[:DIGEST_SIZE]
            )
            Notification.objects.filter(pk__in=[e.pk for e in entries]).update(in_digest=False)
            if not entries or not entries[0].recipient.email:
                continue
            recipient = entries[0].recipient
            queue_mail(
                [
                    _mail(
                        key=f"digest:user:{recipient.pk}:{max(e.pk for e in entries)}",
                        to=recipient.email,
                        context={
                            "name": recipient.name,
                            "entries": entries,
                            "inbox_url": base + reverse("community:inbox"),
                        },
                        unsubscribe=tokens.unsubscribe_token(digest_of=recipient),
                        base=base,
                        language=recipient.language,
                    )
                ]
            )
            sent += 1
    return sent


def send_guest_digests(*, base: str, now: datetime) -> int:
    """One digest per confirmed guest with new posts on their blog since the last one. Returns how many."""
    sent = 0
    guests = GuestSubscription.objects.filter(
        confirmed_at__isnull=False, delivery=Delivery.DIGEST, blog__owner__is_active=True
    ).select_related("blog__owner")
    for guest in guests:
        since = guest.last_digest_at or guest.confirmed_at
        posts = list(
            Post.objects.published()
            .filter(author_id=guest.blog.owner_id, published_at__gt=since, published_at__lte=now)
            .for_listing()[:DIGEST_SIZE]
        )
        with transaction.atomic():
            GuestSubscription.objects.filter(pk=guest.pk).update(last_digest_at=now)
            if not posts:
                continue
            queue_mail(
                [
                    _mail(
                        key=f"digest:guest:{guest.pk}:{int(now.timestamp())}",
                        to=guest.email,
                        context={"name": "", "posts": posts, "blog": guest.blog},
                        unsubscribe=tokens.unsubscribe_token(guest=guest),
                        base=base,
                        language=guest.language,
                    )
                ]
            )
            sent += 1
    return sent


def send_digests(*, now: datetime | None = None) -> int:
    """Every digest due; returns how many mails were recorded. Running it twice in a row sends nothing more."""
    base = site_url()
    now = now or timezone.now()
    return send_member_digests(base=base) + send_guest_digests(base=base, now=now)
