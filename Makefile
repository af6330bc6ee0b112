# `make run`: set up and start the portal with the demo network (SQLite, no other service).
# `make test`: every test, on SQLite and PostgreSQL, with the browser tests.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
PORT ?= 5000
TEST_WORKERS ?= auto
DEMO_PASSWORD ?= demo-Latgale-2017
DEV_ENV = PORTAL_ENV=development PORTAL_DATA_DIR=$(CURDIR)/instance

.PHONY: setup catalogs system-deps browser-test-deps run test test-fast bench translations clean

setup: $(VENV)/.installed catalogs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[test]'
	touch $@

catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d portal/translations >/dev/null

system-deps:
	@scripts/install-system-deps

# axe-core from the npm registry, pinned in tests/browser/vendor/package-lock.json (the browser tests
# install it themselves when it is missing).
browser-test-deps:
	@scripts/install-browser-test-deps

run: setup
	$(DEV_ENV) $(BIN)/portal init
	$(DEV_ENV) $(BIN)/portal demo --password '$(DEMO_PASSWORD)'
	@echo "Portal: http://127.0.0.1:$(PORT)/  (mails land in instance/outbox/)"
	$(DEV_ENV) $(BIN)/flask --app wsgi run --port $(PORT)

# The suite runs on every core (pytest-xdist; each worker has its own databases), then the browser journeys,
# which drive one Chromium and must come after every test that calls pyHanko directly (see tests/conftest.py).
test: setup system-deps browser-test-deps
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not browser"
	$(BIN)/pytest -m browser

# Without the browser tests, on SQLite only: the quick loop while coding.
test-fast: setup
	$(BIN)/lint-imports
	$(BIN)/pytest -m "not browser" --backend sqlite -q

# The catalogue under load (bench/load.py): wrk from Debian when it can be installed, else the Python load
# generator of bench/loadgen.py. BENCH_ARGS, e.g. "--database postgresql" or "--before ../main".
bench: setup
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		apt-get install -y -q wrk >/dev/null; } || echo "wrk is not installed: using the Python load generator"
	$(BIN)/python bench/load.py $(BENCH_ARGS)

translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o portal/translations/messages.pot --no-location --sort-output . >/dev/null
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching >/dev/null

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache tests/browser/vendor/node_modules
