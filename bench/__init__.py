"""`make bench`: the site under load on its heaviest pages (see bench/run.py)."""
