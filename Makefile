# OpsBase: every target sets up what it needs (a virtualenv in .venv) by itself.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/opsbase
MARIADB_URL ?= mysql://root@127.0.0.1:3306/opsbase
DJ42_VENV := .venv-django42
# The other engines and Django 4.2 run the library's tests. What no engine changes runs once,
# in `make test`: the command line's provisioning tests (tests/cli, tests/template,
# tests/serve: projects with databases of their own, whatever DATABASE_URL says), the browser
# tests (the pages' scripts; the pages' markup is tested on every engine by tests/web and the
# modules' view tests), the settings tests and nginx serving the static files.
ENGINE_PYTEST_ARGS ?= --ignore=tests/cli --ignore=tests/template --ignore=tests/serve \
	--ignore=tests/browser --ignore=tests/conf --ignore=tests/web/test_static_serving.py
# MariaDB and Django 4.2 also leave out the bench's tests (they need PostgreSQL) and the API
# fuzzer, which checks the schema against the answers: it runs on SQLite and PostgreSQL.
# `make test-all FULL=1` runs every engine leg in full.
ifeq ($(FULL),1)
ENGINE_PYTEST_ARGS := --ignore=tests/cli --ignore=tests/template --ignore=tests/serve
SECONDARY_PYTEST_ARGS :=
else
SECONDARY_PYTEST_ARGS ?= --ignore=tests/bench --ignore=tests/api/test_fuzz.py
endif
# The suite runs on one pytest worker per core, up to 4 (pytest-xdist; tests/conftest.py keeps
# each test file on one worker and the tests that share machine-wide resources in one serial
# group). `make test TEST_JOBS=0` runs it in one process.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; [ $$n -gt 1 ] && echo $$n || echo 0)
XDIST := $(if $(filter 0,$(TEST_JOBS)),,-n $(TEST_JOBS) --dist loadgroup)

.PHONY: help install demo demo-example test test-sqlite test-postgres test-mariadb test-django42 test-all \
        lint format migrations-check audit bench bench-quick clean

help:
	@echo "make demo          provision ./demo with opsbase new, sample data, serve http://127.0.0.1:8000"
	@echo "make test          run the whole test suite (SQLite)"
	@echo "make test-all      the suite on SQLite, PostgreSQL, MariaDB and Django 4.2 (CI)"
	@echo "make lint          ruff, mypy, the import-linter layer contracts and the migrations check"
	@echo "make bench         load benchmark vs hello-world and plain DRF (PostgreSQL, wrk)"
	@echo "make audit         pip-audit of the installed dependencies (needs the internet)"

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,cli]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# `opsbase new` (SQLite, this interpreter) into ./demo, reused when present; sample data; the
# development server at http://127.0.0.1:8000. DEMO_ARGS passes more options (--port, --password).
DEMO_ARGS ?=
demo: $(STAMP)
	$(BIN)/opsbase demo --dest demo $(DEMO_ARGS)

demo-example: $(STAMP)
	cd example && ../$(BIN)/python manage.py demo --serve

test: test-sqlite

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(XDIST) $(ENGINE_PYTEST_ARGS) $(PYTEST_ARGS)

$(VENV)/.mysqlclient: $(STAMP)
	$(BIN)/python -m pip install --quiet "mysqlclient>=2.2.1"
	@touch $@

test-mariadb: $(VENV)/.mysqlclient
	DATABASE_URL=$(MARIADB_URL) $(BIN)/python -m pytest $(XDIST) $(ENGINE_PYTEST_ARGS) \
		$(SECONDARY_PYTEST_ARGS) $(PYTEST_ARGS)

# The LTS leg also keeps the older major of sentry-sdk, whose privacy switch differs from 3.x's.
$(DJ42_VENV)/.installed: pyproject.toml Makefile
	@test -x $(DJ42_VENV)/bin/python || $(PYTHON) -m venv $(DJ42_VENV)
	$(DJ42_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DJ42_VENV)/bin/python -m pip install --quiet -e ".[dev,cli]" "Django>=4.2,<4.3" "sentry-sdk>=2,<3"
	@touch $@

test-django42: $(DJ42_VENV)/.installed
	env -u DATABASE_URL $(DJ42_VENV)/bin/python -m pytest $(XDIST) $(ENGINE_PYTEST_ARGS) \
		$(SECONDARY_PYTEST_ARGS) $(PYTEST_ARGS)

test-all: test-sqlite test-postgres test-mariadb test-django42

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests example $(wildcard bench)
	$(BIN)/mypy src/opsbase
	$(BIN)/lint-imports
	cd example && ../$(BIN)/python manage.py makemigrations --check --dry-run
	# every module OpsBase ships (the example site installs only tasks)
	DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=.:src $(BIN)/python -m django makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format src tests example $(wildcard bench)

bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

audit: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit

clean:
	rm -rf $(VENV) $(DJ42_VENV) .pytest_cache example/db.sqlite3 test-artifacts demo
