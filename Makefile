# ttm: `make run` sets everything up and serves on 127.0.0.1:$(PORT); `make test` runs the suite;
# `make drill` kills and stops services under a running ttm and checks what must hold.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install run test lint format bench drill worker clean system-deps

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "ttm needs Python 3.11 or newer" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: on Debian run 'apt-get install python3-venv'" >&2; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.txt
	@touch $@

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
