"""Receiving, verifying, moderating and sending webmentions (https://www.w3.org/TR/webmention/).

Receiving answers at once and verifies later: `receive_webmention` checks the request and queues
`verify_webmention`, which fetches the source through the guarded fetch (`blogsite/fetch.py`). Sending runs
from tasks only: `plan_webmentions` after a post is published, changed or made a draft again, and
`queue_gone_webmentions` as a public post is deleted, then `send_webmention` for each link. A post that left
sends again to every link it had: its address now answers 410 Gone, which tells the receiver to drop it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext

from accounts.policy import can_moderate_post
from accounts.remote_avatars import want_avatar
from background.queue import backoff, enqueue_many_on_commit, enqueue_on_commit
from blocklist.models import BlockedSite
from blogsite.fetch import FetchError, fetch
from blogsite.ratelimit import count_hit
from blogsite.sentences import fetch_failure, reason
from comments.notifications import site_url
from posts.models import Blog, Post

from .html import HTML_TYPES, TooDeep, discover_endpoint, links_to, parse_page, same_address, summarize
from .models import Mention, Outgoing, Receipt
from .signals import mentions_changed

logger = logging.getLogger(__name__)
User = get_user_model()
URL_MAX_LENGTH = 2000
# The most links of one post that are sent webmentions.
LINKS_PER_POST = 100
MAX_RETRY_DELAY = timedelta(hours=6)
USER_AGENT = "Blogsite-Webmention"


def _limits() -> dict:
    return {"max_bytes": int(settings.WEBMENTION_FETCH_MAX_MB * 2**20), "timeout": settings.WEBMENTION_FETCH_TIMEOUT}


class Refused(Exception):
    """A webmention request refused at once: the HTTP status, the reason, and for 429 the seconds to wait."""

    def __init__(self, status: int, reason: str, retry_after: int | None = None):
        super().__init__(reason)
        self.status, self.reason, self.retry_after = status, reason, retry_after


def webmentions_enabled() -> bool:
    """Whether the site sends and receives webmentions: `WEBMENTIONS`, and `FEDERATION` (the open social web
    as a whole)."""
    return settings.WEBMENTIONS and settings.FEDERATION


def blog_takes_webmentions(author) -> bool:
    """Whether the site and `author`'s blog send and receive webmentions (no query when the blog was selected)."""
    if not webmentions_enabled():
        return False
    try:
        return author.blog.has_webmentions
    except Blog.DoesNotExist:
        return True


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _check_url(value: str, refusal: str) -> str:
    value = value.strip()
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        valid = False
    if not valid or len(value) > URL_MAX_LENGTH or any(c.isspace() or ord(c) < 32 for c in value):
        raise Refused(400, refusal)
    return value


def site_hosts(request_host: str = "") -> set[str]:
    """The host names (with any port) this site answers to, for telling whether a target is one of ours."""
    hosts = {urlsplit(site_url()).netloc.lower()}
    if request_host:
        hosts.add(request_host.lower())
    return hosts


def find_target_post(target: str, *, hosts: set[str]) -> Post | None:
    """The public post whose permalink `target` is, when it is on one of `hosts` (one query)."""
    parts = urlsplit(target)
    if parts.netloc.lower() not in hosts:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "posts:detail":
        return None
    post = (
        Post.objects.published()
        .select_related("author", "author__blog")
        .filter(author__in=User.objects.named(match.kwargs["username"]), slug=match.kwargs["slug"])
        .first()
    )
    if post is None:
        return None
    canonical = post.permalink_kwargs()
    if (match.kwargs["year"], f"{match.kwargs['month']:02d}") != (canonical["year"], canonical["month"]):
        return None
    return post


def receive_webmention(*, source: str, target: str, request_host: str = "") -> Receipt:
    """Check a webmention request (the spec's 3.2.1) and queue its verification; returns its receipt.

    Raises Refused: 400 for addresses that are not http(s), equal, or a target that is not a public post
    of a blog taking webmentions; 403 for a source on a blocked domain; 429 when the source's host sent
    more than `WEBMENTION_RATE_LIMIT` in the last `WEBMENTION_RATE_WINDOW` seconds."""
    if not webmentions_enabled():
        raise Refused(404, gettext("This site does not take webmentions."))
    source = _check_url(source, gettext("The source must be an http or https address."))
    target = _check_url(target, gettext("The target must be an http or https address."))
    if same_address(source, target):
        raise Refused(400, gettext("The source and the target are the same address."))
    source_host = host_of(source)
    hits, wait = count_hit(f"webmention:{source_host}", window=settings.WEBMENTION_RATE_WINDOW)
    if hits > settings.WEBMENTION_RATE_LIMIT:
        raise Refused(429, gettext("Too many webmentions from this site; try again later."), retry_after=wait)
    if BlockedSite.objects.blocks(source_host):
        raise Refused(403, gettext("This site does not take webmentions from that source."))
    post = find_target_post(target, hosts=site_hosts(request_host))
    if post is None or not blog_takes_webmentions(post.author):
        raise Refused(400, gettext("The target is not a post of this site that takes webmentions."))
    with transaction.atomic():
        receipt = Receipt.objects.create(post=post, source=source, target=target)
        enqueue_on_commit(_verify_task(), receipt.pk)
    return receipt


def _verify_task():
    from .tasks import verify_webmention

    return verify_webmention


def _decode(response) -> str:
    return response.body.decode(response.charset or "utf-8", errors="replace")


def verify_webmention(receipt_id: int) -> str:
    """Fetch a receipt's source and store, update or delete its mention; returns the receipt's new state.

    The source must answer with an HTML page that links to the target (the spec's 3.2.2). A source that is
    gone (404, 410) or no longer links removes the mention it made; one that cannot be fetched changes
    nothing but the receipt."""
    receipt = (
        Receipt.objects.select_related("post", "post__author", "post__author__blog").filter(pk=receipt_id).first()
    )
    if receipt is None or receipt.state != Receipt.State.QUEUED:
        return receipt.state if receipt else "missing"
    post = receipt.post
    if not blog_takes_webmentions(post.author) or not post.is_public:
        return _finish(receipt, Receipt.State.REFUSED, reason("target_closed"))
    if BlockedSite.objects.blocks(host_of(receipt.source)):
        return _finish(receipt, Receipt.State.REFUSED, reason("source_blocked"))
    try:
        response = fetch(
            receipt.source,
            headers={"Accept": "text/html, application/xhtml+xml;q=0.9", "User-Agent": USER_AGENT},
            **_limits(),
        )
    except FetchError as error:
        return _finish(receipt, Receipt.State.REFUSED, fetch_failure(error))
    if response.status in (404, 410):
        return _remove(receipt, reason("answered", status=response.status))
    if not 200 <= response.status < 300:
        return _finish(receipt, Receipt.State.REFUSED, reason("answered", status=response.status))
    if response.content_type not in HTML_TYPES:
        return _finish(receipt, Receipt.State.REFUSED, reason("not_html"))
    try:
        soup = parse_page(_decode(response))
    except TooDeep:
        return _finish(receipt, Receipt.State.REFUSED, reason("too_deep"))
    if not links_to(soup, base=response.url, target=receipt.target):
        return _remove(receipt, reason("no_link"))
    summary = summarize(soup, url=response.url, target=receipt.target)
    # The author's picture is theirs wherever they write: kept under their address (the picture's own when
    # they give none), and fetched by a task of its own.
    avatar = want_avatar(key=summary.author_url or summary.author_photo, url=summary.author_photo)
    fields = {
        "source_host": host_of(receipt.source),
        "kind": summary.kind,
        "author_name": summary.author_name,
        "author_url": summary.author_url,
        "author_avatar": avatar,
        "title": summary.title,
        "content_html": summary.content_html,
        "excerpt": summary.excerpt,
        "published_at": summary.published_at,
    }
    is_open = getattr(post.author, "blog", None) and post.author.blog.comment_policy == Blog.CommentPolicy.OPEN
    with transaction.atomic():
        mention = Mention.objects.select_for_update().filter(post=post, source=receipt.source).first()
        if mention is None:
            status = Mention.Status.APPROVED if is_open else Mention.Status.PENDING
            try:
                with transaction.atomic():
                    mention = Mention.objects.create(post=post, source=receipt.source, status=status, **fields)
            except IntegrityError:
                # The same source verified at the same moment by another worker: update that one.
                mention = Mention.objects.select_for_update().get(post=post, source=receipt.source)
                _update(mention, fields)
        else:
            _update(mention, fields)
        receipt.mention = mention
        return _finish(receipt, Receipt.State.ACCEPTED, {})


def _update(mention: Mention, fields: dict) -> None:
    for name, value in fields.items():
        setattr(mention, name, value)
    mention.save()


def _remove(receipt: Receipt, failure: dict) -> str:
    deleted, _ = Mention.objects.filter(post=receipt.post, source=receipt.source).delete()
    state = Receipt.State.DELETED if deleted else Receipt.State.REFUSED
    return _finish(receipt, state, failure)


def _finish(receipt: Receipt, state: str, failure: dict) -> str:
    receipt.state, receipt.failure, receipt.reason = state, failure, ""
    receipt.save(update_fields=["state", "failure", "reason", "mention", "updated_at"])
    return state


def moderate_mentions(*, mentions, status: str, moderator) -> int:
    """Set `status` on the mentions `moderator` may moderate (PermissionDenied if any is not); returns how many
    changed. One update, whatever the number, and one signal naming the posts touched."""
    mentions = list(mentions)
    if any(not can_moderate_post(moderator, m.post) for m in mentions):
        raise PermissionDenied(gettext("You may not moderate these mentions."))
    changed = [m for m in mentions if m.status != status]
    if not changed:
        return 0
    with transaction.atomic():
        Mention.objects.filter(pk__in=[m.pk for m in changed]).update(status=status, updated_at=timezone.now())
        mentions_changed.send(sender=Mention, post_ids={m.post_id for m in changed})
    return len(changed)


class _ExternalLinks(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.own_host, self.links = base, urlsplit(base).netloc.lower(), {}

    def handle_starttag(self, tag, attrs):
        if tag != "a" or len(self.links) >= LINKS_PER_POST:
            return
        href = (dict(attrs).get("href") or "").strip()
        url = urljoin(self.base, href).split("#")[0]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc and parts.netloc.lower() != self.own_host:
            self.links.setdefault(url, None)


def external_links(post: Post, *, base: str) -> list[str]:
    """The addresses on other sites that a post's body links to, in order, at most LINKS_PER_POST."""
    parser = _ExternalLinks(base)
    parser.feed(post.body_html)
    parser.close()
    return [url for url in parser.links if len(url) <= URL_MAX_LENGTH]


def _queue_sends(post: Post, rows, *, version) -> int:
    """Queue the sends of the rows of `rows` not yet queued for `version` (None: for telling that `post` is
    gone), with the post's address as their source; returns how many. Each row is taken by a conditional
    update, so that two runs for the same version queue it once: one query, and one per row."""
    source = site_url() + post.get_absolute_url()
    claimed = []
    for pk in rows.exclude(version=version).values_list("pk", flat=True):
        if (
            Outgoing.objects.filter(pk=pk)
            .exclude(version=version)
            .update(
                version=version, source=source, status=Outgoing.Status.QUEUED, attempts=0, failure={}, last_error=""
            )
        ):
            claimed.append(pk)
    return enqueue_many_on_commit(_send_task(), [(pk,) for pk in claimed])


def _send_task():
    from .tasks import send_webmention

    return send_webmention


def queue_gone_webmentions(post: Post) -> int:
    """Queue a webmention to each page a public post links to, as it is deleted or made a draft again, so that
    the page drops the mention (its source now answers 410); returns how many. Once per departure."""
    if not blog_takes_webmentions(post.author):
        return 0
    return _queue_sends(post, Outgoing.objects.filter(post=post, is_linked=True), version=None)


def plan_webmentions(post_id: int) -> int:
    """Queue a webmention for every link of a public post, and one for each link an edit removed since the
    last time; returns how many were queued. Run again for the same version of the post, it queues none. For
    a post made a draft again, every link it had is told it is gone (`queue_gone_webmentions`)."""
    post = Post.objects.select_related("author", "author__blog").filter(pk=post_id).first()
    if post is not None and post.was_withdrawn:
        return queue_gone_webmentions(post)
    if post is None or not post.is_public or not blog_takes_webmentions(post.author):
        return 0
    version = post.updated_at
    links = external_links(post, base=site_url() + post.get_absolute_url())
    existing = {row.target: row for row in Outgoing.objects.filter(post=post)}
    new = [Outgoing(post=post, target=url) for url in links if url not in existing]
    Outgoing.objects.bulk_create(new, ignore_conflicts=True)
    Outgoing.objects.filter(post=post, target__in=links, is_linked=False).update(is_linked=True)
    removed = [url for url, row in existing.items() if row.is_linked and url not in links]
    Outgoing.objects.filter(post=post, target__in=removed).update(is_linked=False)
    # Claim this version's sends: a second run for the same version finds them taken.
    return _queue_sends(post, Outgoing.objects.filter(post=post, target__in=[*links, *removed]), version=version)


def retry_delay(attempts: int) -> timedelta:
    return backoff(attempts, first_seconds=settings.WEBMENTION_RETRY_SECONDS, most=MAX_RETRY_DELAY)


def send_webmention(outgoing_id: int) -> str:
    """Discover the target's endpoint and send it the post's webmention; returns the row's new status.

    A failure that may pass (no answer, a 5xx or 429) is tried again later, `WEBMENTION_RETRY_SECONDS` and
    then twice as long each time, `WEBMENTION_MAX_ATTEMPTS` times in all; a 4xx is final."""
    row = Outgoing.objects.select_related("post", "post__author").filter(pk=outgoing_id).first()
    if row is None or row.status != Outgoing.Status.QUEUED:
        return row.status if row else "missing"
    # A blocked site is sent nothing, whether it is the page linked to or the endpoint that page names.
    if BlockedSite.objects.blocks(host_of(row.target)):
        return _record(row, Outgoing.Status.FAILED, reason("site_blocked"))
    source = row.source or (site_url() + row.post.get_absolute_url() if row.post else "")
    if not source:
        return _record(row, Outgoing.Status.FAILED, reason("post_gone"))
    try:
        page = fetch(
            row.target,
            headers={"Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1", "User-Agent": USER_AGENT},
            **_limits(),
        )
        endpoint = discover_endpoint(
            url=page.url,
            link_headers=page.header_values("Link"),
            content_type=page.content_type,
            page=_decode(page) if page.content_type in HTML_TYPES else "",
        )
        if endpoint is None:
            return _record(row, Outgoing.Status.NO_ENDPOINT, {})
        row.endpoint = endpoint[:URL_MAX_LENGTH]
        if BlockedSite.objects.blocks(host_of(endpoint)):
            return _record(row, Outgoing.Status.FAILED, reason("endpoint_blocked"))
        answer = fetch(
            endpoint,
            method="POST",
            body=urlencode({"source": source, "target": row.target}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
            **_limits(),
        )
    except FetchError as error:
        return _retry_or_fail(row, fetch_failure(error))
    except TooDeep:
        return _record(row, Outgoing.Status.NO_ENDPOINT, reason("too_deep"))
    if 200 <= answer.status < 300:
        return _record(row, Outgoing.Status.SENT, {})
    if 400 <= answer.status < 500 and answer.status != 429:
        return _record(row, Outgoing.Status.FAILED, reason("endpoint_answered", status=answer.status))
    return _retry_or_fail(row, reason("endpoint_answered", status=answer.status))


def _record(row: Outgoing, status: str, failure: dict) -> str:
    row.attempts += 1
    row.status, row.failure, row.last_error = status, failure, ""
    row.save(update_fields=["status", "failure", "last_error", "attempts", "endpoint", "updated_at"])
    return status


def _retry_or_fail(row: Outgoing, failure: dict) -> str:
    send_webmention = _send_task()
    if row.attempts + 1 >= settings.WEBMENTION_MAX_ATTEMPTS:
        logger.warning("Gave up the webmention of %s to %s: %s", row.source or row.post_id, row.target, failure)
        return _record(row, Outgoing.Status.FAILED, failure)
    _record(row, Outgoing.Status.QUEUED, failure)
    if send_webmention.get_backend().supports_defer:
        enqueue_on_commit(send_webmention.using(run_after=timezone.now() + retry_delay(row.attempts)), row.pk)
    else:
        logger.warning("The task backend cannot schedule retries; the webmention to %s waits", row.target)
    return Outgoing.Status.QUEUED
