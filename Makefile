# Two commands from a fresh clone: `make demo`, `make test`.
# Every target installs what it needs (the venv from pinned versions) first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PYTHON_SYSTEM ?= python3
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-lock.txt pyproject.toml | cksum | cut -d' ' -f1)

export DBT_PROFILES_DIR := $(ROOT)
export DBT_PROJECT_DIR := $(ROOT)
export DUCKDB_PATH ?= $(ROOT)/warehouse.duckdb
DEMO_DATA := $(ROOT)/data/demo
DEMO_CUSTOMERS ?= 10000
DASHBOARD_PORT ?= 8501

.PHONY: help venv demo test lint pytest bench docs dashboard publish browser test-spark lock clean

help:
	@echo "make demo       build the sample warehouse, docs and dashboard data"
	@echo "make test       lint + pytest (unit, end-to-end on DuckDB and PostgreSQL)"
	@echo "make bench      scale benchmark with ratios against baselines"
	@echo "make docs       static dbt docs site"
	@echo "make dashboard  serve the segment dashboard on localhost (reads data/published)"
	@echo "make publish    publish the built marts for the dashboard (make demo does it)"
	@echo "make test-spark build and test on a local Spark session (heavy)"

$(STAMP): requirements.txt requirements-lock.txt pyproject.toml
	@test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements-lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

demo: venv
	$(PY) scripts/demo.py --customers $(DEMO_CUSTOMERS) --data-dir $(DEMO_DATA)

lint: venv
	$(VENV)/bin/ruff check src scripts tests dashboard
	@mkdir -p $(ROOT)/target
	# Its own warehouse file: the dbt templater opens a connection, and a DuckDB
	# file is locked by its writer (a demo build or a dashboard must not block lint).
	DUCKDB_PATH=$(ROOT)/target/lint.duckdb $(VENV)/bin/sqlfluff lint models tests/dbt
	DUCKDB_PATH=$(ROOT)/target/lint.duckdb $(VENV)/bin/sqlfluff lint --config .sqlfluff-script-runner \
		models/marts/clusters/from_script models/staging/clustering

# Debian's Chromium + chromedriver for the browser tests (docs site, dashboard);
# a test tool's own browser download fails on these machines.
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver)

# A pytest-xdist worker per core (PYTEST_WORKERS=0 runs them in this process).
# --dist loadfile: a file's tests run in order in one worker (some, marked in
# their docstrings, run last on purpose), sharing its module fixtures.
# --durations: every run (CI's too) shows where the suite's time goes, against
# the 20-minute budget of `make test`.
PYTEST_WORKERS ?= auto
pytest: venv browser
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25

test: lint pytest

# make bench BENCH_ARGS="--customers 100000" for a quicker run (default 1,000,000 customers).
bench: venv
	$(PY) scripts/bench.py $(BENCH_ARGS)

docs: venv
	cd $(ROOT) && $(DBT) docs generate --static
	@echo "Docs site: $(ROOT)/target/static_index.html (open it in a browser; no server needed)"

# The dashboard reads only the published Parquet copy of the marts (data/published/current),
# never the warehouse file, so it can stay open while `dbt build` runs.
publish: venv
	$(PY) scripts/publish_marts.py

dashboard: venv
	@test -e $(ROOT)/data/published/current || test -n "$$PUBLISHED_MARTS_DIR" || \
		echo "Nothing published yet: run 'make demo' (or dbt build, then 'make publish')."
	$(VENV)/bin/streamlit run dashboard/app.py --server.headless true \
		--server.address 127.0.0.1 --server.port $(DASHBOARD_PORT) \
		--browser.gatherUsageStats false --client.toolbarMode minimal

# SPARK_ARGS: e.g. "--customers 3000 --keep" (scripts/test_spark.py --help)
test-spark: venv
	$(PY) scripts/test_spark.py $(SPARK_ARGS)

lock:
	rm -rf /tmp/cs-lock-venv && $(PYTHON_SYSTEM) -m venv /tmp/cs-lock-venv
	/tmp/cs-lock-venv/bin/pip install --quiet -r requirements.txt
	(echo "# Full transitive lock: pip freeze of a venv built from requirements.txt."; \
	 echo "# Regenerate with: make lock"; /tmp/cs-lock-venv/bin/pip freeze) > requirements-lock.txt

clean:
	rm -rf target logs dbt_packages $(ROOT)/warehouse.duckdb*
