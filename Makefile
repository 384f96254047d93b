# yuanqu — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test setup lint typecheck pytest clean serve bench-stats

# Python environment: reinstalled when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end assets (Tabler, ECharts) from the npm registry, exactly as locked.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

setup: $(STAMP) node_modules/.installed
	$(BIN)/python -m yuanqu.core.i18n

# The Licang demo on the embedded SQLite database under var/, served on http://127.0.0.1:8000.
demo: setup
	YUANQU_DEMO=1 $(BIN)/yuanqu demo
	YUANQU_DEMO=1 $(BIN)/yuanqu serve

serve: setup
	YUANQU_DEMO=1 $(BIN)/yuanqu serve

lint: setup
	$(BIN)/ruff check .
	YUANQU_TESTING=1 $(BIN)/yuanqu check
	YUANQU_TESTING=1 $(BIN)/yuanqu makemigrations --check --dry-run

typecheck: setup
	YUANQU_TESTING=1 $(BIN)/mypy yuanqu

# pytest on SQLite always; again on PostgreSQL when DATABASE_URL is set. The client tests run on
# both cores; the browser tests run after them in one process (Playwright's loop stays on its thread).
PYTEST := YUANQU_TESTING=1 $(BIN)/pytest
pytest: setup
	env -u DATABASE_URL $(PYTEST) -n 2 --ignore=tests/e2e
	env -u DATABASE_URL $(PYTEST) tests/e2e
	if [ -n "$$DATABASE_URL" ]; then $(PYTEST) -n 2 --ignore=tests/e2e && $(PYTEST) tests/e2e; fi

test: lint typecheck pytest

# The statistics benchmark on PostgreSQL (BENCH_DATABASE_URL, default a yuanqu_bench database on
# 127.0.0.1, created if missing). SCALE=city (100k enterprises, 21.6M values) or SCALE=district.
SCALE ?= city
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/yuanqu_bench
bench-stats: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	psql "$(BENCH_DATABASE_URL)" -c 'select 1' >/dev/null 2>&1 || \
		psql "$(dir $(BENCH_DATABASE_URL))postgres" -c 'create database $(notdir $(BENCH_DATABASE_URL))'
	DATABASE_URL=$(BENCH_DATABASE_URL) YUANQU_TESTING=1 $(BIN)/yuanqu migrate -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.stats.generate --scale $(SCALE)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.stats.run $(if $(filter district,$(SCALE)),--region 370213,)

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache
