"""Version counters that make cache invalidation a matter of never reading old entries again.

Every cached page or fragment has the versions of the scopes it depends on in its key. A change bumps the
versions of the scopes it touches; entries under the old versions are simply never read again and expire
on their own. Scopes:

- `global`: everything (a user's name or avatar, a label, a scheduled post falling due);
- `site`: site-wide lists (front page, site feeds, sitemap): any post or comment anywhere;
- `blog:<username>`: one blog's pages (home, archives, labels, permalinks, feeds);
- `post:<pk>`: one post's comment thread.

A missing counter (a fresh or flushed cache, an evicted key) starts at the current time in nanoseconds,
never at a small number, so it can never come back to a value that old entries were stored under.
"""

import time

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

GLOBAL = "global"
SITE = "site"
KEY_PREFIX = "pagecache:v:"
NEXT_DUE_KEY = "pagecache:next-due"


def blog_scope(username: str) -> str:
    return f"blog:{username.lower()}"


def post_scope(pk: int) -> str:
    return f"post:{pk}"


def current(*scopes: str) -> tuple[int, ...]:
    """The scopes' versions, in order (one cache round trip, two when a counter has to start).

    Also moves everything on when a scheduled post has fallen due since the last look, since that makes
    a post public without any write."""
    keys = [KEY_PREFIX + scope for scope in scopes]
    values = cache.get_many([*keys, NEXT_DUE_KEY])
    if _check_schedule(values.get(NEXT_DUE_KEY)):
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
    from posts.models import Post

    upcoming = Post.objects.filter(status=Post.Status.SCHEDULED, published_at__gt=timezone.now()).aggregate(
        at=Min("published_at")
    )["at"]
    cache.set(NEXT_DUE_KEY, upcoming.timestamp() if upcoming else 0, timeout=None)
    return fell_due
