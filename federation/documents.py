"""The ActivityPub documents a blog serves and sends (ActivityStreams 2.0 JSON): its actor, its posts as
`Article`s, its outbox and followers collections, and the activities that wrap them.

Every id is an absolute address on the site's own base (SITE_URL, see `base_url`), so that what a request
serves and what a task sends name things the same way.
"""

from __future__ import annotations

import mimetypes

from django.urls import reverse
from django.utils.html import escape, linebreaks

from comments.notifications import site_url
from posts.markup import POST_HTML, sanitize_html
from posts.models import Post

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def base_url() -> str:
    """The site's own address (SITE_URL, else the first allowed host), without a trailing slash."""
    return site_url()


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else base_url() + path


def actor_id(username: str) -> str:
    return absolute(reverse("posts:blog", kwargs={"username": username}))


def key_id(username: str) -> str:
    return actor_id(username) + "#main-key"


def followers_id(username: str) -> str:
    return absolute(reverse("federation:followers", kwargs={"username": username}))


def outbox_id(username: str) -> str:
    return absolute(reverse("federation:outbox", kwargs={"username": username}))


def handle(username: str) -> str:
    """`username@host`, the address people follow a blog by."""
    from urllib.parse import urlsplit

    return f"{username}@{urlsplit(base_url()).netloc}"


def actor_document(actor) -> dict:
    """The blog's actor (`Person`): names, profile, key and collections. No query beyond `actor.blog.owner`."""
    blog = actor.blog
    owner = blog.owner
    username = owner.username
    me = actor_id(username)
    document = {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT],
        "id": me,
        "type": "Person",
        "preferredUsername": username,
        "name": blog.display_title,
        "summary": linebreaks(escape(blog.description or owner.bio)),
        "url": me,
        "inbox": absolute(reverse("federation:inbox", kwargs={"username": username})),
        "outbox": outbox_id(username),
        "followers": followers_id(username),
        "endpoints": {"sharedInbox": absolute(reverse("federation:shared_inbox"))},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "published": blog.created_at.isoformat(),
        "publicKey": {"id": key_id(username), "owner": me, "publicKeyPem": actor.public_key_pem},
    }
    if owner.avatar:
        document["icon"] = _image(owner.avatar.url, owner.avatar.name)
    return document


def _image(url: str, name: str, alt: str = "") -> dict:
    image = {"type": "Image", "url": absolute(url), "mediaType": mimetypes.guess_type(name)[0] or "image/jpeg"}
    if alt:
        image["name"] = alt
    return image


def article(post: Post) -> dict:
    """`post` as an `Article`. Needs `post.author`, `post.labels` and `post.pictures` loaded (see
    `federated_posts`) to cost no query."""
    username = post.author.username
    url = absolute(post.get_absolute_url())
    attachments = []
    if post.cover:
        attachments.append(_image(post.cover.url, post.cover.name, post.cover_alt))
    attachments += [
        {"type": "Image", "url": absolute(picture.url), "mediaType": picture.content_type, "name": picture.alt}
        for picture in post.pictures.all()
    ]
    return {
        "id": url,
        "type": "Article",
        "name": post.title,
        "summary": escape(post.summary),
        "content": sanitize_html(post.body_html, allow=POST_HTML, base_url=url),
        "url": url,
        "published": post.published_at.isoformat(),
        "updated": post.updated_at.isoformat(),
        "attributedTo": actor_id(username),
        "to": [PUBLIC],
        "cc": [followers_id(username)],
        "attachment": attachments,
        "tag": [
            {
                "type": "Hashtag",
                "name": "#" + "".join(label.name.split()),
                "href": absolute(reverse("posts:label", kwargs={"username": username, "label": label.slug})),
            }
            for label in post.labels.all()
        ],
    }


def federated_posts():
    """Public posts with what `article` reads (three queries for any number)."""
    return Post.objects.published().select_related("author").prefetch_related("labels", "pictures")


def wrap(kind: str, post: Post, *, obj: dict | None = None) -> dict:
    """A `Create`, `Update` or `Delete` of `post`'s Article by its blog."""
    username = post.author.username
    url = absolute(post.get_absolute_url())
    if obj is None:
        obj = article(post)
    return activity(kind, username, obj, activity_id=f"{url}#{kind.lower()}-{int(post.updated_at.timestamp())}")


def activity(kind: str, username: str, obj, *, activity_id: str) -> dict:
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": actor_id(username),
        "to": [PUBLIC],
        "cc": [followers_id(username)],
        "object": obj,
    }


def tombstone(url: str) -> dict:
    return {"id": url, "type": "Tombstone"}
