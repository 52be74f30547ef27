"""Version counters that make cache invalidation a matter of never reading old entries again.

Every cached page or fragment has the versions of the scopes it depends on in its key. A change bumps the
versions of the scopes it touches; entries under the old versions are simply never read again and expire
on their own. Scopes:

- `global`: everything (an account deleted, a label, a scheduled post falling due, a run of migrations);
- `site`: site-wide lists (front page, site feeds, sitemap): any post or comment anywhere;
- `blog:<username>`: one blog's pages (home, archives, labels, permalinks, feeds); a change to an account
  (a name, a picture, a ban) moves on its blog, the site's and the blogs and threads it commented in;
- `post:<pk>`: one post's comment thread;
- `member:<pk>`: what is one member's own (their account's row, their addresses, their inbox);
- `inboxes`: every member's inbox at once (a post's fan-out to many followers).

Any app may cache what it reads this way (`remember`): this module imports none of the site's apps.

A missing counter (a fresh or flushed cache, an evicted key) starts at the current time in nanoseconds,
never at a small number, so it can never come back to a value that old entries were stored under.
"""

import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

GLOBAL = "global"
SITE = "site"
INBOXES = "inboxes"
KEY_PREFIX = "pagecache:v:"
NEXT_DUE_KEY = "pagecache:next-due"
REMEMBER_PREFIX = "pagecache:remember:"
T = TypeVar("T")


def _none_scheduled() -> datetime | None:
    return None


# When the next scheduled post becomes public (None when none is waiting). The posts app, which knows what a
# scheduled post is, sets it as it starts (`PostsConfig.ready`).
next_scheduled: Callable[[], datetime | None] = _none_scheduled
# The versions read so far in this context (see `looked_up_once`), and whether the schedule was looked at
# (under NEXT_DUE_KEY); None outside one.
_seen: ContextVar[dict[str, int] | None] = ContextVar("pagecache_versions_seen", default=None)


def blog_scope(username: str) -> str:
    return f"blog:{username.lower()}"


def post_scope(pk: int) -> str:
    return f"post:{pk}"


def member_scope(pk: int) -> str:
    return f"member:{pk}"


def remember(name: str, scopes: tuple[str, ...], compute: Callable[[], T]) -> T:
    """`compute()`, worked out once per version of `scopes` and of `global` and kept in the cache as long as a
    cached page (PAGE_CACHE_SECONDS; 0: computed every time), unless it is None. `name` tells apart what is
    kept for the same scopes. Like every cached page, it depends on `global`, which moves everything on
    (a run of migrations, which may change any row without a signal, included).

    The versions are read before `compute()` runs, so a change committed meanwhile (which moves them on
    again as it commits) leaves what it computed under versions nobody reads any more."""
    seconds = int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)
    if not seconds:
        return compute()
    versions = current(GLOBAL, *scopes)
    key = REMEMBER_PREFIX + name + ":" + ":".join(map(str, versions))
    value = cache.get(key)
    if value is None:
        value = compute()
        # Nothing is kept for None (nothing found), so that made-up addresses don't fill the cache.
        if value is not None:
            cache.set(key, value, seconds)
    return value


@contextmanager
def looked_up_once():
    """Within it (a request, see the page cache's middleware), each scope's version is read from the cache
    once: a page that asks for the same ones for each of its parts reads them the first time only. A
    change made meanwhile in this context (`bump`) makes them read again; one made elsewhere shows as if
    the request had come a moment earlier, which never keeps anything older under a newer version."""
    token = _seen.set({})
    try:
        yield
    finally:
        _seen.reset(token)


def current(*scopes: str) -> tuple[int, ...]:
    """The scopes' versions, in order (one cache round trip, two when a counter has to start; none when
    all were read before in `looked_up_once`).

    Also moves everything on when a scheduled post has fallen due since the last look, since that makes
    a post public without any write."""
    seen = _seen.get()
    if seen is not None and all(scope in seen for scope in scopes):
        return tuple(seen[scope] for scope in scopes)
    found = _read(scopes, schedule=seen is None or NEXT_DUE_KEY not in seen)
    if seen is not None:
        seen.update(zip(scopes, found, strict=True))
        seen[NEXT_DUE_KEY] = True
    return found


def _read(scopes, *, schedule: bool) -> tuple[int, ...]:
    keys = [KEY_PREFIX + scope for scope in scopes]
    if schedule:
        values = cache.get_many([*keys, NEXT_DUE_KEY])
        if _check_schedule(values.get(NEXT_DUE_KEY)):
            values = cache.get_many(keys)
    else:
        values = cache.get_many(keys)
    missing = [key for key in keys if key not in values]
    if missing:
        start = time.time_ns()
        for key in missing:
            cache.add(key, start, timeout=None)
        values.update(cache.get_many(missing))
    return tuple(values[key] for key in keys)


def bump(*scopes: str) -> None:
    """Move the scopes on to new versions: what was cached under the old ones is never read again."""
    seen = _seen.get()
    if seen is not None:
        seen.clear()
    for scope in scopes:
        key = KEY_PREFIX + scope
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, time.time_ns(), timeout=None)


def note_schedule_changed() -> None:
    """Forget when the next scheduled post falls due; the next look at the versions works it out again."""
    cache.delete(NEXT_DUE_KEY)


def _check_schedule(next_due) -> bool:
    """`next_due` is the timestamp at which the next scheduled post becomes public, 0 for none, or None
    when not known (one query works it out). Returns whether the versions moved on."""
    now = timezone.now().timestamp()
    if next_due is not None and (next_due == 0 or next_due > now):
        return False
    fell_due = next_due is not None
    if fell_due:
        bump(GLOBAL)
    upcoming = next_scheduled()
    cache.set(NEXT_DUE_KEY, upcoming.timestamp() if upcoming else 0, timeout=None)
    return fell_due
