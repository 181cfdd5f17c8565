# ttm: `make run` sets everything up and serves on 127.0.0.1:$(PORT); `make test` runs the suite;
# `make drill` kills and stops services under a running ttm and checks what must hold.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Every package, direct or not, at the version and hashes in the lock files (see README).
LOCK := requirements-dev.lock
COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' $(LOCK_ARGS)

.PHONY: install run test lint format bench drill worker clean system-deps lock

# A new lock file gets a new virtualenv, so nothing it no longer lists stays installed.
$(VENV)/.installed: $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "ttm needs Python 3.11 or newer" >&2; exit 1; }
	rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: on Debian run 'apt-get install python3-venv'" >&2; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	@touch $@

# After changing dependencies in pyproject.toml: the runtime lock (the Docker image), then the
# development lock holding the same runtime versions plus the dev extra. Versions already locked
# stay unless asked: make lock LOCK_ARGS=--upgrade (or --upgrade-package NAME).
lock: $(VENV)/.installed
	$(call relock,requirements.lock,)
	$(call relock,requirements-dev.lock,--extra dev --constraint requirements.lock)

# Compiled beside the old file (uv keeps the versions it finds there), replacing it only when
# something changed, so an unchanged lock does not rebuild the virtualenv.
define relock
	cp $(1) $(1).new
	$(COMPILE) $(2) -o $(1).new
	if cmp -s $(1).new $(1); then rm $(1).new; else mv $(1).new $(1); fi
endef

system-deps:
	@bash scripts/system-deps.sh

install: system-deps $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo

run: install
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: system-deps $(VENV)/.installed lint
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks

# Needs PostgreSQL's server binaries and redis-server (apt-get install postgresql redis-server);
# starts its own throwaway instances on free ports, never the machine's own.
drill: system-deps $(VENV)/.installed
	$(PY) -m drills

worker: install
	$(VENV)/bin/celery -A ttm worker --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 media
