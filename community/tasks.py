"""The fan-out of a new post to its blog's followers, as tasks.

Publishing queues one task (`fan_out_post`); it reads the followers' ids and queues one `deliver_post` per
FAN_OUT_CHUNK of them, all in one INSERT on the database queue (`enqueue_many_on_commit`): a constant number
of queries whether the blog has one follower or 10,000. Each `deliver_post` writes its followers' inbox
entries and records their mail in the outbox, a constant number of queries for its chunk. Both are
idempotent: a run repeated after a worker's death adds no second entry and no second mail (the entries and
the mail are unique per post and recipient).
"""

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from background.mail import queue_mail, render_mail
from background.queue import enqueue_many_on_commit
from comments.notifications import site_url
from posts.models import Post

from . import tokens
from .models import Delivery, Follow, GuestSubscription, Notification
from .services import add_entries

FAN_OUT_CHUNK = 500


def _chunks(ids: list[int], size: int = FAN_OUT_CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _public_post(post_id: int) -> Post | None:
    return Post.objects.published().select_related("author", "author__blog").filter(pk=post_id).first()


@task
def fan_out_post(post_id: int) -> int:
    """Queue the delivery of a newly public post to every follower and confirmed guest of its blog, in chunks.
    Four queries, whatever their number. Returns how many deliveries it queued."""
    post = _public_post(post_id)
    if post is None:
        return 0
    members = list(
        Follow.objects.filter(blog__owner_id=post.author_id, follower__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    guests = list(
        GuestSubscription.objects.filter(blog__owner_id=post.author_id, confirmed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    calls = [(post_id, chunk, []) for chunk in _chunks(members)]
    calls += [(post_id, [], chunk) for chunk in _chunks(guests)]
    with transaction.atomic():
        return enqueue_many_on_commit(deliver_post, calls)


@task
def deliver_post(post_id: int, follow_ids: list[int], guest_ids: list[int]) -> int:
    """Inbox entries for the members among `follow_ids`, and mail to those who want it at once and to the
    guests among `guest_ids` (recorded in the outbox). At most six queries for any chunk. Returns how many
    mails it recorded."""
    post = _public_post(post_id)
    if post is None:
        return 0
    base = site_url()
    mails = []
    with transaction.atomic():
        if follow_ids:
            follows = list(
                Follow.objects.filter(pk__in=follow_ids, follower__is_active=True).select_related("follower")
            )
            add_entries(
                Notification(
                    recipient_id=follow.follower_id,
                    kind=Notification.Kind.POST,
                    actor_id=post.author_id,
                    post=post,
                    in_digest=follow.delivery == Delivery.DIGEST,
                )
                for follow in follows
            )
            for follow in follows:
                if follow.delivery == Delivery.INSTANT and follow.follower.email:
                    mails.append(
                        _post_mail(
                            post,
                            key=f"post:{post.pk}:user:{follow.follower_id}",
                            to=follow.follower.email,
                            name=follow.follower.name,
                            language=follow.follower.language,
                            unsubscribe=tokens.unsubscribe_token(follow=follow),
                            base=base,
                        )
                    )
        if guest_ids:
            guests = GuestSubscription.objects.filter(
                pk__in=guest_ids, confirmed_at__isnull=False, delivery=Delivery.INSTANT
            )
            for guest in guests:
                mails.append(
                    _post_mail(
                        post,
                        key=f"post:{post.pk}:guest:{guest.pk}",
                        to=guest.email,
                        name="",
                        unsubscribe=tokens.unsubscribe_token(guest=guest),
                        base=base,
                        language=guest.language,
                    )
                )
        queue_mail(mails)
    return len(mails)


def unsubscribe_headers(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _post_mail(post: Post, *, key: str, to: str, name: str, unsubscribe: str, base: str, language: str):
    unsubscribe_url = base + reverse("community:unsubscribe", kwargs={"token": unsubscribe})
    return render_mail(
        key=key,
        to=to,
        template="community/email/new_post",
        context={
            "post": post,
            "name": name,
            "post_url": base + post.get_absolute_url(),
            "unsubscribe_url": unsubscribe_url,
            "site_url": base,
        },
        headers=unsubscribe_headers(unsubscribe_url),
        language=language,
    )
