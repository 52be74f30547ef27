"""The cache that all processes of one machine share when there is no Redis.

Django's file-based cache keeps each entry in a file of its own, written to a temporary file and renamed
into place, so every gunicorn worker (and the task worker) reads what any other wrote. Its `add` and
`incr`, though, read and then write, and two processes can interleave: a rate-limit count could lose a
comment, a page-cache version could move on once for two changes, and two identical comments could both
pass the double-submit check. `SharedFileCache` makes those two atomic across processes with an
exclusive `flock` on a lock file beside the entries, and keeps an entry's expiry through `incr` (Django's
resets it to the default timeout, which would let the page cache's versions expire). Django's also lists
the whole folder on every write to see whether it is over `MAX_ENTRIES` (over 0.1 s at 20,000 entries);
this one looks at most once every `CULL_INTERVAL` seconds per process. And it stores entries without
Django's zlib compression: inflating a cached 200 KB page took ten times as long as reading and
unpickling it, and pages are what this cache serves most.

Entries are pickles, so whoever can write to the folder can make the site run code: the folder must
belong to the site's user and be writable by nobody else, or the cache refuses to start (someone could
otherwise create the default folder in the shared temporary folder first).

Measured against Django's database cache on SQLite for the page cache's version look-ups (three keys a
page) and cached pages, the file cache was the faster by three to six times (see the README's
deployment section), and it needs no table.
"""

import fcntl
import os
import pickle  # nosec B403 # entries are the cache's own files, in a folder only this user can write
import time
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ImproperlyConfigured

LOCK_NAME = "lock"
CULL_INTERVAL = 60


class SharedFileCache(FileBasedCache):
    """FileBasedCache with `add` and `incr` atomic across processes."""

    _next_cull = 0.0
    _checked = False

    def _createdir(self):
        super()._createdir()
        if self._checked:
            return
        folder = os.stat(self._dir)
        if folder.st_uid != os.geteuid() or folder.st_mode & 0o022:
            raise ImproperlyConfigured(
                f"The cache folder {self._dir} must belong to this user and be writable by nobody else "
                "(set CACHE_DIR to another folder, or fix its owner and permissions)."
            )
        self._checked = True

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_INTERVAL
        super()._cull()

    @contextmanager
    def _exclusive(self):
        self._createdir()
        fd = os.open(os.path.join(self._dir, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._exclusive():
            return super().add(key, value, timeout, version)

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def _read(self, key, version) -> tuple[float | None, object]:
        """(expiry, value) of an entry, expired or not; FileNotFoundError when there is none."""
        with open(self._key_to_file(key, version), "rb") as f:
            # The cache's own files, in a folder only this user can write (see `_createdir`).
            try:
                return pickle.load(f), pickle.load(f)  # noqa: S301  # nosec B301
            except EOFError:  # an empty or cut file, as Django's cache reads it: expired
                return 0, None

    def get(self, key, default=None, version=None):
        try:
            expiry, value = self._read(key, version)
        except FileNotFoundError:
            return default
        if expiry is not None and expiry < time.time():
            self.delete(key, version)
            return default
        return value

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with self._exclusive():
            value = self.get(key, self._missing_key, version)
            if value is self._missing_key:
                return False
            self.set(key, value, timeout, version)
            return True

    def incr(self, key, delta=1, version=None):
        with self._exclusive():
            try:
                expiry, value = self._read(key, version)
            except FileNotFoundError:
                expiry, value = 0, None
            if expiry is not None and expiry < time.time():
                raise ValueError(f"Key '{key}' not found")
            value += delta
            self.set(key, value, None if expiry is None else expiry - time.time(), version)
            return value
