"""The shared file cache's `add` and `incr` hold across processes (see blogsite/cache.py)."""

import multiprocessing
import time

import pytest

from blogsite.cache import SharedFileCache

PROCESSES = 4
ROUNDS = 150


def _cache(location) -> SharedFileCache:
    return SharedFileCache(str(location), {"OPTIONS": {"MAX_ENTRIES": 1000}})


def _count(location, start) -> None:
    cache = _cache(location)
    start.wait()
    for _ in range(ROUNDS):
        cache.incr("counter")


def _claim(location, start, claims) -> None:
    cache = _cache(location)
    start.wait()
    for n in range(ROUNDS):
        if cache.add(f"claim:{n}", True):
            claims.put(n)


def _run(target, *args) -> None:
    context = multiprocessing.get_context("fork")
    start = context.Event()
    processes = [context.Process(target=target, args=(*args[:1], start, *args[1:])) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0


def test_increments_from_several_processes_are_never_lost(tmp_path):
    _cache(tmp_path).set("counter", 0, timeout=None)
    _run(_count, tmp_path)
    assert _cache(tmp_path).get("counter") == PROCESSES * ROUNDS


def test_only_one_process_adds_a_key(tmp_path):
    claims = multiprocessing.get_context("fork").Queue()
    _run(_claim, tmp_path, claims)
    claimed = []
    while len(claimed) < ROUNDS:
        claimed.append(claims.get(timeout=10))
    assert sorted(claimed) == list(range(ROUNDS))
    assert claims.empty()


def test_incr_keeps_an_entrys_expiry(tmp_path):
    cache = _cache(tmp_path)
    cache.set("forever", 1, timeout=None)
    cache.set("brief", 1, timeout=1)
    assert cache.incr("forever", 5) == 6
    assert cache.incr("brief") == 2
    time.sleep(1.2)
    assert cache.get("forever") == 6
    assert cache.get("brief") is None
    with pytest.raises(ValueError):
        cache.incr("brief")
    with pytest.raises(ValueError):
        cache.incr("never-set")


def test_the_folder_is_counted_once_a_minute_and_trimmed_when_over_the_limit(tmp_path, monkeypatch):
    from blogsite import cache as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 9, "CULL_FREQUENCY": 3}})
    listed = []
    real_list = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listed.append(1) or real_list())
    for n in range(30):
        cache.set(f"entry:{n}", n)
    assert len(listed) == 1
    assert len(real_list()) == 30
    clock[0] += module.CULL_INTERVAL
    cache.set("one-more", 1)
    assert len(listed) == 2
    assert len(real_list()) == 31 - 30 // 3


def test_a_folder_others_can_write_to_is_refused(tmp_path):
    """Entries are pickles: whoever can write them can run code as the site."""
    from django.core.exceptions import ImproperlyConfigured

    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o777)
    with pytest.raises(ImproperlyConfigured, match="writable by nobody else"):
        _cache(folder)
    folder.chmod(0o700)
    _cache(folder).set("fine", 1)


def test_entries_round_trip_and_touch_moves_the_expiry(tmp_path):
    cache = _cache(tmp_path)
    cache.set("page", {"html": "<p>x</p>" * 1000}, timeout=1)
    assert cache.get("page") == {"html": "<p>x</p>" * 1000}
    assert cache.touch("page", timeout=None)
    assert not cache.touch("absent")
    time.sleep(1.2)
    assert cache.get("page") == {"html": "<p>x</p>" * 1000}
    assert cache.get_many(["page", "absent"]) == {"page": {"html": "<p>x</p>" * 1000}}
    assert cache.add("page", "other") is False
    cache.delete("page")
    assert cache.get("page", "gone") == "gone"
