"""Remote actors: fetched through the guarded fetch (blogsite/fetch.py), read, and cached as RemoteActor rows."""

from __future__ import annotations

import json
import time
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.utils import timezone

from accounts.remote_avatars import want_avatar
from blogsite import fetch as guarded
from blogsite.fetch import FetchError
from comments.models import Comment
from comments.signals import comments_changed

from .documents import ACTIVITY_JSON, LD_JSON
from .models import Instance, RemoteActor

USER_AGENT = "Blogsite (ActivityPub)"


class RemoteError(Exception):
    """A remote document that could not be fetched or read."""


def domain_of(uri: str) -> str:
    return (urlsplit(uri).hostname or "").lower()


def instance_for(domain: str) -> Instance:
    return Instance.objects.get_or_create(domain=domain)[0]


def fetch_json(uri: str, *, deadline: float) -> dict:
    """The ActivityPub document at `uri`, whose id is on `uri`'s server, fetched before `deadline` (a
    `time.monotonic()` reading). Raises RemoteError."""
    timeout = deadline - time.monotonic()
    if timeout <= 0:
        raise RemoteError("it took too long")
    try:
        response = guarded.fetch(
            uri,
            headers={"Accept": f"{ACTIVITY_JSON}, {LD_JSON}", "User-Agent": USER_AGENT},
            max_bytes=settings.FEDERATION_FETCH_MAX_BYTES,
            timeout=timeout,
        )
    except FetchError as exc:
        raise RemoteError(str(exc)) from None
    if response.status != 200:
        raise RemoteError(f"it answered {response.status}")
    try:
        document = json.loads(response.body)
    except ValueError:
        raise RemoteError("it is not JSON") from None
    if not isinstance(document, dict):
        raise RemoteError("it is not an ActivityPub object")
    # A server speaks only for itself: a document naming itself with another server's address would let it
    # pass its own key off as anyone's.
    if not isinstance(document.get("id"), str) or domain_of(document["id"]) != domain_of(uri):
        raise RemoteError("it names itself with an address on another server")
    return document


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _url(value) -> str:
    if isinstance(value, dict):
        value = value.get("href") or value.get("url")
    if isinstance(value, list) and value:
        return _url(value[0])
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else ""


def store_actor(document: dict) -> RemoteActor:
    """Keep what `document` (an actor) says, under its own id. Raises RemoteError when it is not an actor."""
    uri = document.get("id")
    inbox = _url(document.get("inbox"))
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")) or not inbox:
        raise RemoteError("it is not an actor with an inbox")
    if domain_of(inbox) != domain_of(uri):
        raise RemoteError("its inbox is on another server")
    key = document.get("publicKey") or {}
    if isinstance(key, list):
        key = key[0] if key else {}
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = _url(endpoints.get("sharedInbox"))
    fields = {
        "instance": instance_for(domain_of(uri)),
        **_profile(document),
        "inbox": inbox[:500],
        "shared_inbox": shared[:500] if shared and domain_of(shared) == domain_of(uri) else "",
        "key_id": _text(key.get("id"), 500) if isinstance(key, dict) else "",
        "public_key_pem": _text(key.get("publicKeyPem"), 10_000) if isinstance(key, dict) else "",
        "fetched_at": timezone.now(),
    }
    remote, _ = RemoteActor.objects.update_or_create(uri=uri[:500], defaults=fields)
    # No picture is asked for here: every follower's and liker's key comes this way, and only a reply shows
    # one (replies.receive_reply asks, as the person shows up; so does their `Update` of themselves).
    return remote


def _profile(document: dict) -> dict:
    """What an actor document says of the person: their names, profile page and picture's address."""
    return {
        "username": _text(document.get("preferredUsername"), 200),
        "name": _text(document.get("name"), 200),
        "url": _url(document.get("url"))[:500],
        "icon_url": _url(document.get("icon"))[:500],
    }


def update_profile(remote: RemoteActor, document: dict) -> RemoteActor:
    """Keep what `remote`'s own `Update` of itself says of them. Its keys and inboxes stay as fetched, and so
    does `fetched_at`, which says how old the key is."""
    profile = _profile(document)
    for name, value in profile.items():
        setattr(remote, name, value)
    remote.save(update_fields=list(profile))
    if remote.avatar_id is None and not remote.notes.exists():
        return remote  # never replied here: no page shows their picture
    return sync_avatar(remote)


def sync_avatar(remote: RemoteActor) -> RemoteActor:
    """`remote` with its picture's row, told where the picture is now (a fetch queued when due; see
    accounts/remote_avatars.py). Their replies stored before they had one get it too (two queries, once)."""
    avatar = want_avatar(key=remote.uri, url=remote.icon_url)
    if avatar is not None and remote.avatar_id != avatar.pk:
        RemoteActor.objects.filter(pk=remote.pk).update(avatar=avatar)
        earlier = Comment.objects.filter(remote_note__remote=remote, remote_avatar__isnull=True)
        post_ids = set(earlier.values_list("post_id", flat=True))
        if post_ids:
            earlier.update(remote_avatar=avatar)
            comments_changed.send(sender=Comment, post_ids=post_ids)
    remote.avatar = avatar
    return remote


def cached_key_owner(key_id: str) -> RemoteActor | None:
    """The cached actor whose public key is `key_id`, if its key is known."""
    return RemoteActor.objects.select_related("instance").filter(key_id=key_id).exclude(public_key_pem="").first()


def fetch_key_owner(key_id: str) -> RemoteActor:
    """The actor whose public key is `key_id`, fetched (the key's document, or its owner's) and cached; both
    fetches together take at most FEDERATION_FETCH_TIMEOUT. Raises RemoteError."""
    deadline = time.monotonic() + settings.FEDERATION_FETCH_TIMEOUT
    document = fetch_json(urldefrag(key_id)[0], deadline=deadline)
    if "inbox" not in document and isinstance(document.get("owner"), str):
        # A key served on its own names its owner, whose document holds the inbox.
        document = fetch_json(document["owner"], deadline=deadline)
    remote = store_actor(document)
    if remote.key_id != key_id:
        raise RemoteError("the key is not its owner's")
    return remote
