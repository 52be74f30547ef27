"""Fixed-window counters in the cache, for the limits on how often one reader or address may do something."""

from django.core.cache import cache
from django.utils import timezone


def count_hit(scope: str, *, window: int) -> tuple[int, int]:
    """Count one more hit for `scope` (a user or address, say) in the current window of `window` seconds.

    Returns the hits counted in this window so far and the seconds until the next one starts. Two cache
    operations (add, then incr), so that workers sharing the cache count together.
    """
    now = int(timezone.now().timestamp())
    key = f"{scope}:{now // window}"
    # The key outlives its window a little, so that a late incr still finds it.
    timeout = window + 60
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr.
        cache.set(key, 1, timeout=timeout)
        count = 1
    return count, window - now % window
