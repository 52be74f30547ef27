"""Receiving activities: the checks every delivery to an inbox passes, in this order, and what each activity
does.

1. Size: a body over FEDERATION_MAX_BODY_BYTES is refused with 413 before it is read.
2. Blocks: an activity whose actor or key is on a blocked site (blocklist, subdomains included), or from an
   actor the blog blocked, gets 403.
3. Rate: each instance may deliver FEDERATION_INBOX_RATE_PER_MINUTE activities a minute, or have its keys
   named by as many; then 429.
4. Signature (see signatures.py): its date within FEDERATION_MAX_SKEW_SECONDS of now, the body's digest
   matching, the signature made by the key it names (fetched through the guarded fetch once, within
   FEDERATION_FETCH_TIMEOUT, then cached; fetched again if it no longer matches, as keys change, but not
   twice within a minute), and that key the activity's actor's. A
   signature seen before (within the skew window) is a replayed request. Any failure: 401, nothing stored.
5. The activity: `Follow` of a blog stores its follower and answers with a signed `Accept`, delivered by the
   task queue; `Undo` of that `Follow` removes it. A `Create` of a `Note` in reply to a post or one of its
   comments becomes a comment in the thread (see replies.py); `Update` and `Delete` from the same actor edit
   or remove it. An `Update` of the actor itself keeps its new name and picture (see remote.py). `Like` and
   `Announce` of a post are counted (and `Undo` of them uncounted). Others are accepted (202) and left.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from blocklist.models import BlockedSite
from blogsite.ratelimit import count_hit
from posts.models import Blog

from . import delivery, documents, replies
from .keys import actor_for
from .models import Actor, BlockedActor, Instance, Reaction, RemoteActor, RemoteFollower, SeenSignature
from .moderation import is_blocked_by, undo_reactions
from .pruning import expired_signatures
from .remote import RemoteError, cached_key_owner, domain_of, fetch_key_owner, update_profile
from .signatures import SignatureError, parse, verify

logger = logging.getLogger(__name__)

LOCAL_ACTOR = re.compile(r"/@([A-Za-z0-9_-]+)/?")
NOTE_TYPES = ("Note", "Article")
ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")
# A cached key that does not match a signature is fetched again only when it is older than this.
KEY_REFETCH_AFTER = timedelta(minutes=1)
REACTIONS = {"Like": Reaction.Kind.LIKE, "Announce": Reaction.Kind.ANNOUNCE}


def refuse(status: int, reason: str, **headers) -> HttpResponse:
    response = JsonResponse({"error": reason}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _read_body(request) -> bytes | None:
    limit = settings.FEDERATION_MAX_BODY_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _id_of(value) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def receive(request, *, actor: Actor | None) -> HttpResponse:
    """Check and handle one delivery to `actor`'s inbox (None: the shared inbox)."""
    body = _read_body(request)
    if body is None:
        return refuse(413, f"activities are at most {settings.FEDERATION_MAX_BODY_BYTES} bytes")
    try:
        activity = json.loads(body)
    except ValueError:
        return refuse(400, "the body is not JSON")
    if (
        not isinstance(activity, dict)
        or not _id_of(activity.get("actor"))
        or not isinstance(activity.get("type"), str)
    ):
        return refuse(400, "the body is not an activity with an actor")
    sender = _id_of(activity["actor"])
    domains = {domain_of(sender)}
    try:
        signed = parse(request, body=body)
    except SignatureError as exc:
        signed, refusal = None, str(exc)
    if signed is not None:
        domains.add(domain_of(signed.key_id))
    if BlockedSite.objects.blocks(*domains):
        return refuse(403, "this site does not take activities from that server")
    if actor is not None and BlockedActor.objects.filter(actor=actor, uri=sender).exists():
        return refuse(403, "this blog does not take activities from that account")
    # Counted for the key's server too: it is the one a signature naming an unknown key makes this site fetch
    # from, whatever actor the activity claims.
    limit = settings.FEDERATION_INBOX_RATE_PER_MINUTE
    for domain in sorted(domains):
        hits, retry_after = count_hit(f"federation:inbox:{domain}", window=60)
        if limit and hits > limit:
            return refuse(429, "too many activities from that server; try again later", Retry_After=str(retry_after))
    if signed is None:
        return refuse(401, refusal)
    try:
        remote = _verified_signer(signed)
    except (SignatureError, RemoteError) as exc:
        return refuse(401, f"the signature could not be checked: {exc}")
    if remote.uri != sender:
        return refuse(401, "the activity's actor did not sign it")
    if not _first_sight(signed.raw):
        return refuse(401, "this request was received before")
    if remote.instance.failing_since is not None:
        # Its server is up again: deliveries to it, even given up ones, start afresh.
        Instance.objects.filter(pk=remote.instance_id).update(failing_since=None, failures=0)
    handle(activity, remote=remote, actor=actor)
    return HttpResponse(status=202)


def _verified_signer(signed) -> RemoteActor:
    """Who made `signed`: checked against the cached key, and against a freshly fetched one only when none is
    cached or, as keys change, the cached one no longer matches and was not fetched in the last minute (so
    that bad signatures naming someone's key do not make this site fetch it again and again)."""
    cached = cached_key_owner(signed.key_id)
    if cached is not None:
        try:
            verify(signed, cached.public_key_pem)
            return cached
        except SignatureError:
            if timezone.now() - cached.fetched_at < KEY_REFETCH_AFTER:
                raise
    remote = fetch_key_owner(signed.key_id)
    verify(signed, remote.public_key_pem)
    return remote


def _first_sight(signature: str) -> bool:
    """Remember `signature` for the skew window; False when it was already seen (two queries)."""
    digest = hashlib.sha256(signature.encode()).hexdigest()
    now = timezone.now()
    # Pruned as requests come (one DELETE on the index of `seen_at`), and by `prune_records` when none do.
    expired_signatures(now).delete()
    try:
        with transaction.atomic():
            SeenSignature.objects.create(digest=digest, seen_at=now)
    except IntegrityError:
        return False
    return True


def _local_actor(uri: str) -> Actor | None:
    """The federated blog whose actor address is `uri`, if any (its keys made if it never had any)."""
    base = documents.base_url()
    match = LOCAL_ACTOR.fullmatch(uri[len(base) :]) if uri.startswith(base + "/") else None
    if match is None:
        return None
    blog = Blog.objects.select_related("owner").filter(owner__username=match[1].lower(), owner__is_active=True).first()
    if blog is None:
        return None
    actor = actor_for(blog)
    actor.blog = blog
    return actor if actor.is_federated else None


def handle(activity: dict, *, remote: RemoteActor, actor: Actor | None) -> None:
    kind = activity["type"]
    if kind == "Follow":
        target = _local_actor(_id_of(activity.get("object")))
        if target is None or (actor is not None and target.pk != actor.pk):
            return
        if BlockedActor.objects.filter(actor=target, uri=remote.uri).exists():
            return
        with transaction.atomic():
            RemoteFollower.objects.update_or_create(
                actor=target, remote=remote, defaults={"follow_id": _id_of(activity)[:500]}
            )
            accept = documents.activity(
                "Accept",
                target.blog.owner.username,
                {k: activity[k] for k in ("id", "type", "actor", "object") if k in activity},
                activity_id=documents.actor_id(target.blog.owner.username)
                + f"#accept-{hashlib.sha256(_id_of(activity).encode()).hexdigest()[:16]}",
            )
            accept.pop("cc")
            accept["to"] = [remote.uri]
            delivery.send(actor=target, payload=accept, kind="Accept", inboxes=[remote.inbox])
    elif kind == "Undo":
        undone = activity.get("object")
        if isinstance(undone, dict) and undone.get("type") == "Follow":
            target = _local_actor(_id_of(undone.get("object")))
            if target is not None:
                RemoteFollower.objects.filter(actor=target, remote=remote).delete()
        elif isinstance(undone, str):
            RemoteFollower.objects.filter(remote=remote, follow_id=undone).delete()
        elif isinstance(undone, dict) and undone.get("type") in REACTIONS:
            undo_reactions(
                Reaction.objects.filter(remote=remote, kind=REACTIONS[undone["type"]], activity_id=_id_of(undone))
            )
    elif kind == "Create":
        note = activity.get("object")
        if isinstance(note, dict) and note.get("type") in NOTE_TYPES:
            replies.receive_reply(note, remote=remote, actor=actor)
    elif kind == "Update":
        obj = activity.get("object")
        if isinstance(obj, dict) and obj.get("type") in NOTE_TYPES:
            replies.edit_reply(obj, remote=remote)
        elif isinstance(obj, dict) and obj.get("type") in ACTOR_TYPES and obj.get("id") == remote.uri:
            # An account telling of a change to itself (a new name or picture, as Mastodon sends).
            update_profile(remote, obj)
    elif kind == "Delete":
        replies.delete_reply(_id_of(activity.get("object")), remote=remote)
    elif kind in REACTIONS:
        post = replies.local_post(_id_of(activity.get("object")))
        # The shared inbox takes activities for every blog: the blog's own blocks are checked here.
        if post is not None and not is_blocked_by(owner_id=post.author_id, uri=remote.uri):
            Reaction.objects.get_or_create(
                post=post, remote=remote, kind=REACTIONS[kind], defaults={"activity_id": _id_of(activity)[:500]}
            )
    else:
        logger.info("Ignored a %s activity from %s", kind, remote.uri)
