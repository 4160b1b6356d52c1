# Rapport: `make run` to use it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
# Parallel test processes for the database suites (pytest-xdist); the machine has 2 cores.
TEST_WORKERS ?= 2

.PHONY: install run test test-sqlite test-postgres test-browser system-deps bench lint format lock clean docs-screenshots

# Virtualenv and dependencies only; does nothing when pyproject.toml and the lock are unchanged.
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

run:
	@echo "Preparing Rapport (the first time installs dependencies and takes a few minutes)..."
	@mkdir -p var && $(MAKE) --no-print-directory install >var/install.log 2>&1 || { cat var/install.log; exit 1; }
	@$(BIN)/rapport migrate --no-input -v 0
	@$(BIN)/rapport demo --if-empty >/dev/null
	@echo
	@echo "  Rapport:  http://127.0.0.1:$(PORT)/"
	@echo "  Sign in:  priya@northwind.example / $${RAPPORT_DEMO_PASSWORD:-northwind-crm-demo}"
	@echo "  Mail it sends is kept in the outbox: http://127.0.0.1:$(PORT)/o/demo/outbox/"
	@echo "  Stop with Ctrl+C."
	@echo
	@$(BIN)/rapport run --port $(PORT)

# The whole suite: SQLite, then a throwaway PostgreSQL, then the browser tests.
test: install system-deps test-sqlite test-postgres test-browser
	@echo "All suites passed: SQLite, PostgreSQL and Chromium."

system-deps:
	@scripts/system-deps.sh

test-sqlite: install
	RAPPORT_ENV=test DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -m "not browser" -q -p no:cacheprovider -n $(TEST_WORKERS)

test-postgres: install
	RAPPORT_ENV=test scripts/with-postgres.sh $(BIN)/pytest -m "not browser" -q -p no:cacheprovider -n $(TEST_WORKERS)

test-browser: install
	RAPPORT_ENV=test DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -m browser -q -p no:cacheprovider -n $(TEST_WORKERS)

# The user guide's screenshots (docs/images/), from a temporary demo server in Chromium.
docs-screenshots: install
	$(BIN)/python scripts/docs_screenshots.py

bench: install
	@scripts/system-deps.sh --bench
	@for b in bench/bench_*.py; do [ -e "$$b" ] || continue; echo "== $$b"; RAPPORT_ENV=test $(BIN)/python "$$b" || exit 1; done

lint: install
	$(BIN)/ruff check rapport tests bench
	$(BIN)/ruff format --check rapport tests bench

format: install
	$(BIN)/ruff format rapport tests bench
	$(BIN)/ruff check --fix rapport tests bench

# Refresh the exact pins after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/rapport-lock && $(PYTHON) -m venv /tmp/rapport-lock
	/tmp/rapport-lock/bin/pip install --quiet -e '.[test]'
	/tmp/rapport-lock/bin/pip freeze --exclude-editable | grep -v '^rapport' > constraints.txt
	rm -rf /tmp/rapport-lock

clean:
	rm -rf $(VENV) .pytest_cache
