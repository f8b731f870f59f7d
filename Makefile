# make run   — set up and serve the portal on embedded defaults (SQLite, in-process tasks)
# make test  — set up and run the whole test suite
# See README.md for the production shape (PostgreSQL, Redis, gunicorn, Celery).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup migrate demo worker beat lint messages static bench clean

# requirements-build.txt pins setuptools for old sdists (XStatic) that still
# import pkg_resources while building.
$(STAMP): requirements.txt requirements-build.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==26.3"
	$(BIN)/python -m pip install --quiet --build-constraint requirements-build.txt -r requirements.txt
	touch $(STAMP)

# Front-end packages (Chart.js) from the npm registry, as package-lock.json
# pins them, checked against its hashes; no Node.js needed.
node_modules/.installed: package-lock.json $(STAMP)
	$(BIN)/python -m portal.vendor

setup: $(STAMP) node_modules/.installed
	mkdir -p var/mail var/media

migrate: setup
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) demo_data

run: export DJANGO_DEBUG ?= 1
run: demo
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(BIN)/pytest

define need-broker
	@test -n "$$REDIS_URL$$CELERY_BROKER_URL" || { \
	  echo "make $@ needs a broker: set REDIS_URL (or CELERY_BROKER_URL); without one, tasks run in-process."; \
	  exit 2; }
endef

worker: setup
	$(need-broker)
	$(BIN)/celery -A portal worker --loglevel INFO

beat: setup
	$(need-broker)
	$(BIN)/celery -A portal beat --loglevel INFO

lint: setup
	$(BIN)/ruff check .

messages: export DJANGO_DEBUG ?= 1
messages: setup
	$(MANAGE) makemessages -l ru --ignore=.venv --ignore=var --no-obsolete
	$(MANAGE) compilemessages -l ru --ignore=.venv

static: setup
	$(MANAGE) collectstatic --noinput

bench: setup
	@for script in $$(grep -l '__main__' bench/*.py); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/db.sqlite3 var/static var/test-media
