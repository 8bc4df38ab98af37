# Tandem: `make run` for the site with demo data, `make test` for the whole suite (both lanes).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The settings read it too: links in emails and the calendar feed point at this port.
export PORT

.PHONY: run test test-fast test-postgres test-sqlite lint docs worker beat bench loadtest migrate seed clean check-deploy

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# The development settings (manage.py's default too) unless DJANGO_SETTINGS_MODULE says otherwise.
run seed migrate worker beat: export DJANGO_SETTINGS_MODULE ?= mentorship_site.settings.local

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo --once
	@echo "Tandem is at http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

seed: migrate
	$(PY) manage.py seed_demo

# Ruff (check and format), then the architecture: lint-imports checks the layers contract in .importlinter.
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The manual (docs/, mkdocs.yml) as a site in site/; strict: a broken link or anchor fails.
docs: $(VENV)/.dev-installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

# The docs build first (seconds), then both lanes at once: PostgreSQL (every test) and SQLite
# (all but those about PostgreSQL).
test: $(VENV)/.dev-installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet
	bash scripts/services.sh
	bash scripts/browser.sh
	bash scripts/xmlsec.sh
	bash scripts/proxy.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	bash scripts/test-lanes.sh postgres sqlite

# The inner loop, in under two minutes: the SQLite lane on two processes, without the browser,
# worker, stack and slow tests (pytest markers). `make test` still runs everything.
test-fast: $(VENV)/.dev-installed
	bash scripts/services.sh
	bash scripts/test-lanes.sh fast

test-postgres test-sqlite: $(VENV)/.dev-installed
	bash scripts/services.sh
	bash scripts/browser.sh
	bash scripts/xmlsec.sh
	bash scripts/proxy.sh
	bash scripts/test-lanes.sh $(@:test-%=%)

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A mentorship_site worker --loglevel=INFO

beat: $(VENV)/.installed
	$(VENV)/bin/celery -A mentorship_site beat --loglevel=INFO

bench: $(VENV)/.dev-installed
	bash scripts/services.sh
	$(PY) bench/run.py

# Locust in its own virtualenv (gevent stays out of the app's): bench/requirements-loadtest.txt.
.venv-loadtest/bin/locust: bench/requirements-loadtest.txt
	$(PYTHON) -m venv .venv-loadtest
	.venv-loadtest/bin/pip install -q -r bench/requirements-loadtest.txt
	touch $@

# The production shape (gunicorn as shipped, PostgreSQL, a worker) on the bench organisation,
# 10 -> 50 -> 100 -> 200 users with think time; LOADTEST_STEPS="users:seconds,..." to change.
loadtest: $(VENV)/.dev-installed .venv-loadtest/bin/locust
	bash scripts/services.sh
	$(PY) bench/loadtest.py

check-deploy: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=mentorship_site.settings.production \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=tandem.example DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem \
	SITE_URL=https://tandem.example CACHE_URL=redis://127.0.0.1:6379/1 \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 EMAIL_URL=smtp://127.0.0.1:25 \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache site
