# Concord: `make demo` and `make test` do all set-up on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# PostgreSQL for the second test pass: CONCORD_TEST_DATABASE_URL, else the local server when it answers.
PG_URL ?= $(or $(CONCORD_TEST_DATABASE_URL),postgresql://postgres@127.0.0.1:5432/postgres)
PYTEST_ARGS ?=
E2E_OUTPUT ?= var/test-output

.PHONY: help demo test lint types contracts test-sqlite test-postgres test-e2e bench sysdeps sysdeps-pdf messages clean

help:
	@echo "make demo   - set up, load the demo company and serve on http://127.0.0.1:8000"
	@echo "make test   - lint, types, import contracts, tests on SQLite and PostgreSQL, browser tests"
	@echo "make bench  - run the benchmarks under benchmarks/ and print their ratios"

$(STAMP): pyproject.toml
	@if ! $(PYTHON) -m venv --help >/dev/null 2>&1 || ! $(PYTHON) -c 'import ensurepip' 2>/dev/null; then \
	  echo "Installing python3-venv"; $(SUDO) apt-get update -qq; $(SUDO) apt-get install -y -qq python3-venv python3-dev; fi
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# System packages. PDF rendering (WeasyPrint) needs Pango; the browser tests need Chromium,
# and fonts that render Thai and Khmer.
sysdeps-pdf:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then \
	  echo "Installing Pango for PDF rendering (apt)"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

sysdeps: sysdeps-pdf
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'khmer'; then \
	  echo "Installing chromium and Thai/Khmer fonts (apt)"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-thai-tlwg fonts-khmeros fontconfig >/dev/null; \
	fi

demo: $(STAMP) sysdeps-pdf
	$(BIN)/concord demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

test-sqlite: $(STAMP)
	env -u CONCORD_DATABASE_URL $(BIN)/pytest -m "not e2e" -n 2 -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "PostgreSQL answers: running the suite on it"; \
	  CONCORD_DATABASE_URL='$(PG_URL)' CONCORD_TEST_DATABASE_NAME=concord_test_$$$$ \
	    $(BIN)/pytest -m "not e2e" -n 2 -p no:cacheprovider $(PYTEST_ARGS); \
	else echo "PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL pass"; fi

test-e2e: $(STAMP) sysdeps
	mkdir -p $(E2E_OUTPUT)
	env -u CONCORD_DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true CONCORD_E2E_OUTPUT=$(E2E_OUTPUT) \
	  $(BIN)/pytest -m e2e -p no:cacheprovider $(PYTEST_ARGS)

test: $(STAMP) sysdeps lint types contracts test-sqlite test-postgres test-e2e
	@echo "make test: all checks passed"

bench: $(STAMP)
	$(BIN)/python -m benchmarks

messages: $(STAMP)
	cd src/concord && CONCORD_DEBUG=1 ../../$(BIN)/concord makemessages -l th -l km -l en --ignore 'demo/*' \
	  && CONCORD_DEBUG=1 ../../$(BIN)/concord compilemessages

clean:
	rm -rf $(VENV) var/test-output .mypy_cache .ruff_cache
