# Rapport: `make run` to use it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
# Parallel test processes for the database suites (pytest-xdist); the machine has 2 cores.
TEST_WORKERS ?= 2

.PHONY: install run test test-sqlite test-postgres test-browser system-deps bench lint format lock clean

# Virtualenv and dependencies only; does nothing when pyproject.toml and the lock are unchanged.
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

run: install
	$(BIN)/rapport migrate --no-input
	$(BIN)/rapport demo --if-empty
	@echo
	@echo "  Rapport is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as priya@northwind.example with the password $${RAPPORT_DEMO_PASSWORD:-northwind-crm-demo}"
	@echo "  (demo workspace: organisation 'demo', project CRM). Stop with Ctrl+C."
	@echo
	$(BIN)/rapport serve --port $(PORT)

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
	RAPPORT_ENV=test DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -m browser -q -p no:cacheprovider

bench: install
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
