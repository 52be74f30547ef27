"""The site's own settings plus one hello-world view, the ceiling the benchmark compares pages to."""

import os

from blogsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# For comparison only (bench/run.py): each worker caching in its own memory.
if os.environ.get("BENCH_CACHE") == "local-memory":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}
