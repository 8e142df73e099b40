# Two commands for a fresh machine with Python 3.12+ and make: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-weekdays lint graph format lock bench loadtest cluster-test mutation clean

$(PY):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Ironstride needs Python 3.12+"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the lock changes.
$(VENV)/.base-installed: requirements/base.lock | $(PY)
	$(PY) -m pip install --quiet -r requirements/base.lock
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(PY)
	$(PY) -m pip install --quiet -r requirements/dev.lock
	touch $@ $(VENV)/.base-installed

# The development server and, beside it, one background worker (`manage.py db_worker`: the
# database is the task queue, see README "Background work"), started first and stopped with the
# server (Ctrl-C or any exit). The worker does not reload on code changes: restart `make run`
# after changing a task.
run: $(VENV)/.base-installed
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py send_notifications
	DEBUG=$${DEBUG:-1} $(PY) manage.py db_worker --no-reload --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Production-style serving: gunicorn on the configured database (DATABASE_URL), 2 x CPUs + 1
# workers unless WORKERS says otherwise. Static files come from whitenoise after collectstatic.
# It runs no task worker: run `manage.py db_worker` beside it, one per machine or more (README
# "Background work"), e.g. as a second service of the same release, and `manage.py
# send_notifications` once per release to start the notifications' sweep (README "Notifications").
WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1) + 1)')
serve: $(VENV)/.base-installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--graceful-timeout 10 --timeout 30

test: $(VENV)/.dev-installed
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite once under a clock on each day of the week (tests/weekdays.py), but for the
# clock_free tests, which ran in `make test`: no test may pass only on the day it runs.
test-weekdays: $(VENV)/.dev-installed
	$(PY) tests/weekdays.py $(PYTEST_ARGS)

# Mutation score of plans/domain/{prescription,rules,scheduling}.py against the pure tests, per
# file, goal 95 % (tests/mutation.py names the equivalent survivors and why). Not in CI: it takes
# minutes on two cores.
mutation: $(VENV)/.dev-installed
	$(PY) tests/mutation.py

# mypy twice: the load scripts import their harness as a top-level module (the tests import it
# as loadtest.harness), and one run checks a file under one name only.
# lint-imports: the layers and what the pages and the API may not borrow (pyproject.toml's
# [tool.importlinter]); then docs/layers.svg must be the picture of the code as it is.
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy loadtest/*.py
	$(VENV)/bin/lint-imports
	$(PY) tools/module_graph.py --check

# Redraw docs/layers.svg (README "Architecture") from the code and the layers contract.
graph: $(VENV)/.dev-installed
	$(PY) tools/module_graph.py

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmarks (not tests, not in CI): every one on SQLite and, when DATABASE_URL is set, on
# PostgreSQL, into bench/results/REPORT.md; about 10 minutes on 2 cores. The API one needs wrk,
# a Debian package, installed here when missing. BENCH_ARGS=--quick is a smoke run.
bench: $(VENV)/.dev-installed
	@command -v wrk >/dev/null 2>&1 || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get install -y wrk || { $$sudo apt-get update && $$sudo apt-get install -y wrk; }; }
	$(PY) bench/run_all.py $(BENCH_ARGS)

# Load and fault scripts (loadtest/), full length. PostgreSQL from DATABASE_URL (default: the
# local server on 5432); the restart test makes, restarts and drops a private cluster (root).
LOADTEST_SECONDS ?= 60
loadtest: $(VENV)/.dev-installed
	$(PY) loadtest/mixed_load.py --seconds $(LOADTEST_SECONDS)
	$(PY) loadtest/db_restart.py --seconds $(LOADTEST_SECONDS)
	$(PY) loadtest/sqlite_writers.py --seconds $(LOADTEST_SECONDS)

# A real multi-server deployment (loadtest/cluster.py): nginx from Debian (installed when
# missing) terminating TLS on 127.0.0.1:18443 over two gunicorn app servers in production mode
# (18001, 18002), a database of its own on the server of DATABASE_URL, Redis db 7 (emptied).
CLUSTER_SECONDS ?= 30
cluster-test: $(VENV)/.dev-installed
	$(PY) loadtest/cluster.py --seconds $(CLUSTER_SECONDS)

# Re-resolve the pinned versions after editing pyproject.toml's dependencies.
lock: $(VENV)/.dev-installed
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.12 --no-header -q -o requirements/base.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.12 --no-header -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache mutants
