# Logis — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install system services lint unit integration e2e bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) system

## System libraries Logis needs beyond Python: pango for WeasyPrint's PDFs (and a
## font). Installed with apt-get (Debian/Ubuntu) when missing.
system:
	@ldconfig -p | grep -q 'libpango-1.0.so' && ldconfig -p | grep -q 'libpangoft2-1.0.so' || { \
	  echo "Installation des bibliothèques système (pango) avec apt-get…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

## The API on the embedded SQLite store (var/logis.sqlite3), with demo data, and a
## development token for each of the demo's roles (secret: var/logis.sqlite3.jwt-secret).
run: install
	$(BIN)/logis demo
	$(BIN)/logis token --demo
	$(BIN)/logis serve

## Everything CI runs: services up, architecture contracts, then every test.
test: install services
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

## PostgreSQL on 127.0.0.1:5432 (the machine's cluster); started if it is down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -n 1) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "PostgreSQL ne répond pas sur 127.0.0.1:5432" >&2; exit 1

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

unit: install
	$(BIN)/python -m pytest tests/unit

integration: install services
	$(BIN)/python -m pytest tests/integration

e2e: install services
	$(BIN)/python -m pytest tests/e2e

## Benchmarks (figures and ratios against a raw baseline measured in the same run).
bench: install services
	$(BIN)/python -m benchmarks.commands
	$(BIN)/python -m benchmarks.projections
	$(BIN)/python -m benchmarks.commissions
	$(BIN)/python -m benchmarks.relay
	$(BIN)/python -m benchmarks.access_log

clean:
	rm -rf $(VENV) var .pytest_cache
