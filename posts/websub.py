"""WebSub (https://www.w3.org/TR/websub/): feed readers that subscribe through a hub hear of a new post at once
instead of polling.

With `WEBSUB_HUB` set, every feed names the hub and itself (`<link rel="hub">` and `<link rel="self">` in the
document, and `Link` headers), and publishing or changing a post tells the hub which feeds changed: the site's,
the blog's and those of the post's labels, Atom and RSS. Each feed is one publish ping (`hub.mode=publish`,
`hub.url=<feed>`), sent by a task (`posts.tasks.ping_hub`) through the guarded fetch of blogsite/fetch.py; one that
fails for a while (no answer, a 5xx or 429) is tried again after WEBSUB_RETRY_SECONDS, then twice as long each
time, WEBSUB_MAX_ATTEMPTS times in all. Feed addresses are made from SITE_URL, in the feeds as in the pings, so
that the hub's topic is the address subscribers found.
"""

import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from background.queue import backoff, enqueue_later_on_commit, enqueue_many_on_commit
from blogsite.addresses import site_url
from blogsite.fetch import FetchError, fetch

logger = logging.getLogger(__name__)

USER_AGENT = "Blogsite-WebSub"
# What a hub answers is not read: a little of it is enough to tell the status.
MAX_ANSWER_BYTES = 64 * 1024
TIMEOUT_SECONDS = 10
MAX_RETRY_DELAY = timedelta(hours=6)


def hub() -> str:
    """The hub's address, or "" when WebSub is off."""
    return getattr(settings, "WEBSUB_HUB", "") or ""


def feed_url(path: str) -> str:
    """A feed's absolute address, as the feed names itself and as the hub is told of it."""
    return site_url() + path


def topics_for(post, label_slugs: list[str]) -> list[str]:
    """The feeds a post is in: the site's, its blog's and its labels' (Atom and RSS)."""
    username = post.author.username
    paths = [reverse("posts:feed_atom"), reverse("posts:feed_rss")]
    paths += [reverse(name, kwargs={"username": username}) for name in ("posts:blog_feed_atom", "posts:blog_feed_rss")]
    for slug in label_slugs:
        kwargs = {"username": username, "label": slug}
        paths += [reverse("posts:label_feed_atom", kwargs=kwargs), reverse("posts:label_feed_rss", kwargs=kwargs)]
    return [feed_url(path) for path in paths]


def announce(post) -> int:
    """Queue a ping of the hub for each feed `post` is in; returns how many (none when WebSub is off). One
    query for the labels, and one to queue on the database backend."""
    if not hub():
        return 0
    from .tasks import ping_hub

    topics = topics_for(post, list(post.labels.values_list("slug", flat=True)))
    return enqueue_many_on_commit(ping_hub, [(topic,) for topic in topics])


def retry_delay(attempt: int) -> timedelta:
    return backoff(attempt, first_seconds=settings.WEBSUB_RETRY_SECONDS, most=MAX_RETRY_DELAY)


def ping(topic: str, *, attempt: int = 1) -> str:
    """Tell the hub that `topic` changed; returns "sent", "refused" (a 4xx: final), "retrying", "failed" (given
    up) or "off"."""
    address = hub()
    if not address:
        return "off"
    try:
        answer = fetch(
            address,
            method="POST",
            body=urlencode({"hub.mode": "publish", "hub.url": topic}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
            max_bytes=MAX_ANSWER_BYTES,
            timeout=TIMEOUT_SECONDS,
        )
    except FetchError as error:
        return _retry_or_fail(topic, attempt, str(error))
    if 200 <= answer.status < 300:
        return "sent"
    if 400 <= answer.status < 500 and answer.status != 429:
        logger.warning("The WebSub hub refused the ping for %s: it answered %s", topic, answer.status)
        return "refused"
    return _retry_or_fail(topic, attempt, f"the hub answered {answer.status}")


def _retry_or_fail(topic: str, attempt: int, error: str) -> str:
    from .tasks import ping_hub

    if attempt >= settings.WEBSUB_MAX_ATTEMPTS:
        logger.warning("Gave up pinging the WebSub hub for %s after %d attempts: %s", topic, attempt, error)
        return "failed"
    if not enqueue_later_on_commit(ping_hub, timezone.now() + retry_delay(attempt), topic, attempt + 1):
        logger.warning("The task backend cannot schedule retries; the WebSub ping for %s is dropped", topic)
        return "failed"
    return "retrying"
