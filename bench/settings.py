"""The site's own settings plus one hello-world view, the ceiling the benchmark compares pages to."""

from blogsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
