# Logis — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
# Where the environment forbids writing bytecode (PYTHONDONTWRITEBYTECODE), every
# Python process compiles Logis's modules again: the tests start hundreds of
# `logis` processes (about a twentieth of the suite's time went there).
unexport PYTHONDONTWRITEBYTECODE
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Exact versions with their hashes: the application's (the Docker image) and with
# the dev tools (this venv). `make lock` writes both from pyproject.toml.
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock

.PHONY: run test install system browser services lint unit integration e2e bench lock clean assets

# The installer's output goes to a log, shown only when it fails. pip itself and
# setuptools are in the dev lock, so Logis is built with the locked setuptools
# (--no-build-isolation) and nothing unpinned is downloaded.
$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK)
	@echo "Installation de Logis dans $(VENV) (journal : $(VENV)/install.log)…"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/python -m pip install --require-hashes -r $(DEV_LOCK) && \
	   $(BIN)/python -m pip install --no-deps --no-build-isolation -e .; } \
	  > $(VENV)/install.log 2>&1 || \
	  { tail -n 40 $(VENV)/install.log; echo "Échec de l'installation : voir $(VENV)/install.log" >&2; exit 1; }
	@touch $(STAMP)

install: $(STAMP) system

## Rewrites both lock files from pyproject.toml, keeping the pins that still fit it;
## `make lock UPGRADE=1` moves every pin to the newest release pyproject.toml allows.
## The application's lock starts from the dev one, so the two pin the same versions.
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(PIP_COMPILE) $(if $(UPGRADE),--upgrade) --extra dev -o $(DEV_LOCK) pyproject.toml
	cp $(DEV_LOCK) $(LOCK)
	$(PIP_COMPILE) -o $(LOCK) pyproject.toml

## The pages' front-end files (DSFR, DSFR Chart, htmx, Swagger UI, ReDoc) from npm at the
## versions of package-lock.json, copied with their licences into
## api/web/static/vendor/ (tools/vendor_assets.py). The copy is committed: running
## or testing Logis needs no Node and nothing loads from a CDN. Needs npm; run it
## after changing package.json (`npm install --package-lock-only` first).
assets:
	npm ci --ignore-scripts --no-audit --no-fund
	$(PYTHON) tools/vendor_assets.py

## System packages Logis needs beyond Python: pango and HarfBuzz's subsetter for
## WeasyPrint's PDFs (fonts embedded as subsets), and a font; Debian's chromium
## for the browser tests of the pages (tests/e2e/test_web.py: Playwright drives
## it, and never downloads a browser). Installed with apt-get (Debian/Ubuntu)
## when missing.
system:
	@ldconfig -p | grep -q 'libpango-1.0.so' && ldconfig -p | grep -q 'libpangoft2-1.0.so' && \
	  ldconfig -p | grep -q 'libharfbuzz-subset.so' || { \
	  echo "Installation des bibliothèques système (pango) avec apt-get…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; }

## The browser the pages' tests drive (tests/e2e/test_web.py): Debian's chromium,
## whose major version is the one Playwright's pin bundles. Only `make test` needs it.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installation de chromium (tests des pages) avec apt-get…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

## The API on the embedded SQLite store (var/logis.sqlite3), with demo data, and a
## development token for each of the demo's roles (secret: var/logis.sqlite3.jwt-secret).
## Its report and the tokens go to files under $(VAR); the last lines on screen
## are the address and how to sign in. Another port: LOGIS_PORT=8001 make run;
## the request and projector logs too: LOGIS_LOG_LEVEL=INFO make run.
VAR ?= var
run: install
	@mkdir -p $(VAR)
	@LOGIS_LOG_LEVEL=WARNING $(BIN)/logis demo > $(VAR)/demo.txt && \
	  echo "Démonstration chargée (rapport : $(VAR)/demo.txt)."
	@LOGIS_LOG_LEVEL=WARNING $(BIN)/logis token --demo > $(VAR)/demo-tokens.txt && \
	  echo "Jetons de développement, un par rôle : $(VAR)/demo-tokens.txt"
	@LOGIS_LOG_LEVEL=$${LOGIS_LOG_LEVEL:-WARNING} $(BIN)/logis serve --tokens $(VAR)/demo-tokens.txt

## Everything CI runs: services up, architecture contracts, then every test, one
## process per core up to 4 (PostgreSQL's 100 connections), a test file whole on
## one worker. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
test: install browser services
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

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

e2e: install browser services
	$(BIN)/python -m pytest tests/e2e

## Benchmarks: one table of figures, each with its ratio to a raw baseline
## measured in the same run, on SQLite and PostgreSQL; also written to
## benchmarks/results/latest.json. Sizes: BENCH_ARGS="--sizes 10000,100000".
bench: install services
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
