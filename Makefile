# Sanshe: `make run` serves the demo city; `make test` runs the test suite.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
# Two stamps: `make run` needs the runtime requirements only; `make test` and the other developer
# targets add the dev ones (pytest, Playwright, localstripe, ruff, schemathesis, honcho, …).
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format demo bench migrations-check install messages stack-smoke

$(RUN_STAMP): requirements.txt
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Front-end packages (package.json, package-lock.json): jsQR for the in-page QR scanner of
# /shifts/mine/. Without npm (or when npm ci fails) the page keeps the code input only.
NPM_STAMP := node_modules/.installed
$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $(NPM_STAMP) \
	    || echo "npm ci failed: the in-page QR scanner of /shifts/mine/ is unavailable (the code input still works)"; \
	else \
	  echo "npm not found: the in-page QR scanner of /shifts/mine/ is unavailable (the code input still works); install Node.js and npm, then make install"; \
	fi

install: $(STAMP) $(NPM_STAMP)

run: $(RUN_STAMP) $(NPM_STAMP)
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py seed_demo --if-empty --i-know-this-is-public
	$(PYTHON) manage.py runserver $(HOST):$(PORT)

# The whole suite: the fast default plus the slower marked suites (browser tests need Chromium
# and skip with a reason when it is missing; PostgreSQL-only tests skip on SQLite).
test: $(STAMP) $(NPM_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow and not browser and not faults" $(PYTEST_ARGS)

# ruff; the layers (import-linter's contract in pyproject.toml); dead code (vulture, whitelist in
# vulture_whitelist.py).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/vulture

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(STAMP)
	$(PYTHON) manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(PYTHON) manage.py makemessages -l zh_Hans --no-wrap --ignore=.venv --ignore=tests
	$(PYTHON) manage.py compilemessages --ignore=.venv

demo: $(STAMP)
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py seed_demo --i-know-this-is-public

bench: $(STAMP)
	bash bench/run.sh

# The production profile (deploy/Procfile: gunicorn, Celery worker and beat) on PostgreSQL and Redis,
# with a smoke journey over HTTP; CI runs it (deploy/ci_stack_smoke.sh, deploy/README.md).
stack-smoke: $(STAMP)
	bash deploy/ci_stack_smoke.sh
