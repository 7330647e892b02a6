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

.PHONY: help venv demo test lint pytest bench docs dashboard test-spark lock clean

help:
	@echo "make demo       build the sample warehouse, docs and dashboard data"
	@echo "make test       lint + pytest (unit, end-to-end on DuckDB and PostgreSQL)"
	@echo "make bench      scale benchmark with ratios against baselines"
	@echo "make docs       static dbt docs site"
	@echo "make dashboard  serve the segment dashboard on localhost"
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
	$(VENV)/bin/ruff check src scripts tests
	@mkdir -p $(ROOT)/target
	# Its own warehouse file: the dbt templater opens a connection, and a DuckDB
	# file is locked by its writer (a demo build or a dashboard must not block lint).
	DUCKDB_PATH=$(ROOT)/target/lint.duckdb $(VENV)/bin/sqlfluff lint models tests/dbt

pytest: venv
	$(PY) -m pytest

test: lint pytest

bench: venv
	$(PY) scripts/bench.py

docs: venv
	cd $(ROOT) && $(DBT) docs generate --static

dashboard: venv
	$(VENV)/bin/streamlit run dashboard/app.py --server.headless true

test-spark: venv
	$(PY) scripts/test_spark.py

lock:
	rm -rf /tmp/cs-lock-venv && $(PYTHON_SYSTEM) -m venv /tmp/cs-lock-venv
	/tmp/cs-lock-venv/bin/pip install --quiet -r requirements.txt
	(echo "# Full transitive lock: pip freeze of a venv built from requirements.txt."; \
	 echo "# Regenerate with: make lock"; /tmp/cs-lock-venv/bin/pip freeze) > requirements-lock.txt

clean:
	rm -rf target logs dbt_packages $(ROOT)/warehouse.duckdb*
