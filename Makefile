# Blogsite: `make run` serves the site with demo content; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make serve` waits for whichever of gunicorn and the worker stops first (bash's `wait -n`).
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format serve bench bench-import screenshots clean messages

# Re-install only when a requirements file changed since the last install.
$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $@

# This checkout's development settings, written once: DEBUG=1 and a SECRET_KEY of its own, so that
# `.venv/bin/python manage.py …` works here with nothing exported. Git ignores it; tests never read it.
.env:
	@umask 077 && printf '%s\n' "# Development settings of this checkout, written by make run. Never used in tests." \
	  "# Any variable of the README's Configuration table may be added; the environment wins over this file." \
	  "DEBUG=1" "SECRET_KEY=django-insecure-$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env: DEBUG=1 and a development SECRET_KEY for manage.py in this checkout."

run: $(BIN)/.installed .env
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# axe-core for the browser tests' accessibility checks, from package-lock.json; needs node and npm.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: axe-core not installed, the browser tests' accessibility checks will fail"; fi

# The suite on one pytest-xdist worker per CPU, each with its own test database; PYTEST_WORKERS=0 runs it in
# this process, one test after another. Tests are handed out one by one (`--dist load`) in pytest-django's
# order, so that on every worker the tests that empty the database (transactional ones, the browser's) come
# after those that read what the migrations made (the roles); `loadfile` would mix them.
PYTEST_WORKERS ?= auto
test: $(BIN)/.installed-test node_modules/.installed
	SECRET_KEY=$${SECRET_KEY:-tests-only-not-secret} $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load \
	  $(PYTEST_ARGS)

# Production-like: DEBUG=0 (so SECRET_KEY must be set, or come from the .env of make run), hashed and
# compressed static files, gunicorn and the task worker beside it. When either stops (or on Ctrl-C / SIGTERM)
# the other is stopped too, and the exit status says which failed, so that whatever runs `make serve` can start
# it again. The app serves /media/ too unless SERVE_MEDIA=0 (a proxy does it).
serve: $(BIN)/.installed
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	@export DEBUG=0 SERVE_MEDIA=$${SERVE_MEDIA:-1} BIND=$(HOST):$(PORT); \
	if [ "$${TASKS_BACKEND:-database}" = immediate ]; then exec $(BIN)/gunicorn -c gunicorn.conf.py; fi; \
	$(BIN)/python manage.py run_worker --worker-id "$$(hostname)-serve" & worker=$$!; \
	$(BIN)/gunicorn -c gunicorn.conf.py & web=$$!; \
	trap 'kill -TERM $$web $$worker 2>/dev/null' INT TERM; \
	wait -n $$web $$worker; status=$$?; \
	kill -TERM $$web $$worker 2>/dev/null; wait; exit $$status

# The post page at 10, 1,000 and 10,000 comments and the other busy pages, under gunicorn (see bench/run.py).
# BENCH_SECONDS=3 for a quick run; BENCH_ARGS=--write-readme records the table in README.md.
bench: $(BIN)/.installed-test
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# ruff, then import-linter: the apps' layers (the contracts are in pyproject.toml).
lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(BIN)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The reply-posting request with the mail server answering at once and 2 s late, queue against in-request
# mail (see bench/mail.py). BENCH_ARGS=--write-readme records the table in README.md.
.PHONY: bench-mail
bench-mail: $(BIN)/.installed-test
	$(BIN)/python -m bench.mail $(BENCH_ARGS)

# CPU time of Markdown rendering on hostile input at 10 KB and 100 KB; fails above 15x (see bench/markdown.py).
.PHONY: bench-markdown
bench-markdown: $(BIN)/.installed
	$(BIN)/python -m bench.markdown $(BENCH_ARGS)

# The time a new post takes to reach 10,000 followers' mail: publishing, the fan-out and the delivery tasks
# (see bench/fanout.py). BENCH_ARGS=--write-readme records the table in README.md.
.PHONY: bench-fanout
bench-fanout: $(BIN)/.installed-test
	$(BIN)/python -m bench.fanout $(BENCH_ARGS)

# PNGs of the main pages, desktop and phone, light and dark, into docs/screenshots/ (needs Chromium).
screenshots: $(BIN)/.installed-test node_modules/.installed
	SECRET_KEY=$${SECRET_KEY:-tests-only-not-secret} $(BIN)/python -m pytest -q -p no:cacheprovider \
	  tests/browser/screenshots.py

# A post delivered to 1,000 fediverse followers on 100 instances (servers on loopback): the enqueue cost in
# queries and deliveries per second (see bench/federation.py).
.PHONY: bench-federation
bench-federation: $(BIN)/.installed
	$(BIN)/python -m bench.federation $(BENCH_ARGS)

# Peak memory of import_blog on a generated WordPress export: 20,000 comments, or BENCH_ARGS="--size-mb 200".
.PHONY: bench-import
bench-import: $(BIN)/.installed
	$(BIN)/python -m transfer.bench_import $(BENCH_ARGS)

# A 12-megapixel JPEG through the upload request and the renditions task: time and peak memory of each
# (see bench/pictures.py). BENCH_RUNS=5 for more runs.
.PHONY: bench-pictures
bench-pictures: $(BIN)/.installed
	$(BIN)/python -m bench.pictures

# Refresh the translation catalogues in locale/ from the marked strings, then compile them (needs GNU gettext:
# apt-get install gettext). The compiled .mo files are committed, so that `make run` needs no gettext.
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules \
	  --ignore=staticfiles --ignore=test-artifacts --add-location=file
	$(BIN)/python manage.py makemessages --all --no-obsolete -d djangojs --ignore=.venv --ignore=node_modules \
	  --ignore=staticfiles --ignore=test-artifacts --add-location=file
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
