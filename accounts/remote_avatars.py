"""Pictures of people from other sites (fediverse accounts, webmentions' authors): one pipeline for all.

Whoever shows one asks `want_avatar(key=…, url=…)` when they hear where the person's picture is (an actor's
`icon`, an h-card's `photo`): it returns the person's RemoteAvatar row at once, and queues a task when the
picture is to be fetched. The task (`refresh_avatar`) fetches it through the guarded fetch (blogsite/fetch.py:
public addresses only, at most `accounts.images.DEFAULT_MAX_BYTES` in at most FETCH_TIMEOUT seconds), checks
and decodes it with the limits uploads have (accounts/images.py: JPEG, PNG, GIF or WebP by content, the pixel
count read from the header before decoding), and stores square copies of `RemoteAvatar.SIZES` pixels without
metadata in the media storage. Pages show those copies, never the picture's own address, and until there is one
(or when it could not be had), the initial in a circle that members without a picture get.

A person's picture is fetched when it is first heard of and whenever its address changes, and fetched again
when they show up more than a day after the last fetch (a picture may change at the same address); never
more than once a day (REFRESH_AFTER): a change heard within the day waits for the day's end. A failed fetch
keeps the picture stored before, if any.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from background.queue import enqueue_on_commit
from blogsite import fetch as guarded
from blogsite.fetch import FetchError

from .images import DEFAULT_MAX_BYTES, square_copies
from .models import RemoteAvatar
from .signals import remote_avatars_changed

logger = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(days=1)
FETCH_TIMEOUT = 10
USER_AGENT = "Blogsite (fetching a commenter's picture)"


def _address(url: str) -> str:
    url = (url or "").strip()
    return url if url.startswith(("https://", "http://")) and len(url) <= 2000 else ""


def want_avatar(*, key: str, url: str) -> RemoteAvatar | None:
    """The picture row of the person `key` (their actor id or address), whose picture is now at `url` (empty:
    none); queues its fetch when it is due (see the module's docstring). None when `key` is not an address.
    One or two queries, three more when a fetch is queued."""
    key = _address(key)
    if not key or len(key) > 500:
        return None
    url = _address(url)
    avatar, created = RemoteAvatar.objects.get_or_create(key=key, defaults={"source_url": url})
    if not created and avatar.source_url != url:
        RemoteAvatar.objects.filter(pk=avatar.pk).update(source_url=url)
        avatar.source_url = url
    now = timezone.now()
    if avatar.attempted_at is not None and avatar.attempted_at > now:
        return avatar  # a fetch already waits for the end of the day
    changed = avatar.source_url != avatar.fetched_url
    stale = bool(avatar.fetched_url) and avatar.attempted_at is not None and now - avatar.attempted_at >= REFRESH_AFTER
    if changed or stale:
        _queue(avatar, now)
    return avatar


def _queue(avatar: RemoteAvatar, now) -> None:
    """Claim the next fetch of `avatar` (at once, or once a day has passed since the last) and queue it. The
    claim is a conditional update, so that two workers hearing of the same person queue one fetch."""
    from .tasks import fetch_remote_avatar

    when = now if avatar.attempted_at is None else max(now, avatar.attempted_at + REFRESH_AFTER)
    task = fetch_remote_avatar
    if when > now:
        if not task.get_backend().supports_defer:
            return  # the next time the person shows up after `when` queues it
        task = task.using(run_after=when)
    if RemoteAvatar.objects.filter(pk=avatar.pk, attempted_at=avatar.attempted_at).update(attempted_at=when):
        avatar.attempted_at = when
        enqueue_on_commit(task, avatar.pk)


def refresh_avatar(avatar_id: int) -> str:
    """Fetch, check and store the picture of one RemoteAvatar (the queued task); returns what happened."""
    avatar = RemoteAvatar.objects.filter(pk=avatar_id).first()
    if avatar is None:
        return "missing"
    url = avatar.source_url
    if not url:
        if not avatar.image:
            return "none"
        return _store(avatar, url="", files=[])
    try:
        response = guarded.fetch(
            url,
            headers={"Accept": "image/*", "User-Agent": USER_AGENT},
            max_bytes=DEFAULT_MAX_BYTES,
            timeout=FETCH_TIMEOUT,
        )
        if response.status != 200:
            raise FetchError(f"it answered {response.status}")
        files = square_copies(BytesIO(response.body), sizes=RemoteAvatar.SIZES)
    except (FetchError, ValidationError) as exc:
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        logger.info("Could not fetch the picture %s of %s: %s", url, avatar.key, reason)
        RemoteAvatar.objects.filter(pk=avatar.pk).update(last_error=reason[:300])
        return "failed"
    return _store(avatar, url=url, files=files)


def _store(avatar: RemoteAvatar, *, url: str, files: list) -> str:
    """Keep `files` (the `RemoteAvatar.SIZES` squares; none: no picture) as `avatar`'s picture from `url`,
    remove the files they replace once that is committed, and tell the caches."""
    storage = avatar.image.storage
    old = [f.name for f in (avatar.image, avatar.image_2x) if f]
    names = [storage.save(RemoteAvatar._meta.get_field("image").generate_filename(avatar, f.name), f) for f in files]
    image, image_2x = names or ["", ""]
    with transaction.atomic():
        RemoteAvatar.objects.filter(pk=avatar.pk).update(
            image=image, image_2x=image_2x, fetched_url=url, last_error=""
        )
        remote_avatars_changed.send(sender=RemoteAvatar, avatar_ids={avatar.pk})
        transaction.on_commit(lambda: [storage.delete(name) for name in old])
    return "stored" if names else "dropped"
