# 党建工作平台 — set-up, demo, tests. Only Python ≥ 3.11 is needed beforehand; everything else is
# installed by these targets into .venv (and node_modules, for the front-end libraries).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
DJ     := $(BIN)/dangjian
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# The benchmark builds the city dataset in a database of its own, never in the test database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangjian_bench
HOST   ?= 127.0.0.1
PORT   ?= 8000
SCALE  ?= county
# The suite runs in parallel processes (pytest-xdist), one per CPU core; TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= auto

.PHONY: setup demo test test-sqlite test-postgres lint bench load serve clean browser vendor replica replica-stop

$(VENV)/.installed: requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Front-end libraries (htmx) come from npm at install time and are served by the application.
# Pages work without them (htmx only enhances), so a machine without npm still runs.
vendor:
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "未找到 npm：跳过前端增强库（页面仍可正常使用）"; fi

setup: $(VENV)/.installed vendor
	$(DJ) migrate --noinput
	$(DJ) collectstatic --noinput --verbosity 0

# The background worker (exports, scans, daily reminders) runs beside the web server and stops
# with it: started in the background, killed when the server exits (Ctrl+C included).
WITH_WORKER = $(DJ) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;

demo: setup
	$(DJ) demo_data --scale $(SCALE) --if-empty
	$(DJ) demo_accounts --url http://$(HOST):$(PORT)/
	@$(WITH_WORKER) $(DJ) runserver $(HOST):$(PORT) --insecure

serve: setup
	@$(WITH_WORKER) $(BIN)/gunicorn dangjian.wsgi --bind $(HOST):$(PORT) --workers 2 --timeout 180

# Debian's chromium drives the browser tests; installed here where missing (needs root + apt).
browser:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "无法安装 chromium：浏览器测试将失败"; }

test: $(VENV)/.installed vendor browser lint
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(PY) -m dangjian.core.pgcheck "$(PG_TEST_URL)"; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL 未响应（127.0.0.1:5432），只在 SQLite 上运行测试"; fi

test-sqlite:
	@echo "== 测试：SQLite =="
	env -u DATABASE_URL DANGJIAN_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest -q -n $(TEST_WORKERS)

test-postgres:
	@echo "== 测试：PostgreSQL =="
	DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} DANGJIAN_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest -q -n $(TEST_WORKERS)

lint: $(VENV)/.installed
	$(BIN)/ruff check dangjian tests

bench: $(VENV)/.installed
	$(PY) -m dangjian.core.pgcheck "$(BENCH_DATABASE_URL)" --create
	DATABASE_URL=$(BENCH_DATABASE_URL) DANGJIAN_DEBUG=0 $(DJ) migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DANGJIAN_DEBUG=0 $(DJ) bench $(BENCH_ARGS)

# Bounded load test (docs/load.md): its own PostgreSQL database (dropped and rebuilt), production
# settings under gunicorn, locust headless. LOAD_ARGS e.g. "--users 50 --duration 60 --workers 3".
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangjian_load
$(VENV)/.load-installed: $(VENV)/.installed requirements-load.txt
	$(BIN)/pip install --quiet -r requirements-load.txt
	touch $@

load: $(VENV)/.load-installed
	$(PY) loadtest/run.py --database-url "$(LOAD_DATABASE_URL)" $(LOAD_ARGS)

# A real PostgreSQL hot standby of the local primary on 127.0.0.1:$(REPLICA_PORT) (docs/scaling.md):
# pg_basebackup + streaming replication, run as the postgres user. Idempotent; never edits the
# primary's configuration (it names the pg_hba.conf line to add when replication is refused).
REPLICA_PRIMARY_URL ?= postgres://postgres@127.0.0.1:5432/postgres
REPLICA_PORT ?= 5433
REPLICA_DIR  ?= /tmp/dangjian-replica-$(REPLICA_PORT)
PG_BIN       ?=
REPLICA_ARGS = --primary "$(REPLICA_PRIMARY_URL)" --port $(REPLICA_PORT) --dir "$(REPLICA_DIR)" --pg-bin "$(PG_BIN)"

replica: $(VENV)/.installed
	@$(PY) -m dangjian.core.standby start $(REPLICA_ARGS)

replica-stop: $(VENV)/.installed
	@$(PY) -m dangjian.core.standby stop $(REPLICA_ARGS)

clean:
	rm -rf $(VENV) node_modules var
