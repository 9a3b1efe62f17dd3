# Two commands do all the set-up: `make demo` (the main job on the embedded DuckDB) and
# `make test` (the test suite). Both create the environment from nothing on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# PostgreSQL and the emulators the warehouse suites start (tests/engines/).
ENGINES := .venv-engines
export DAGSTER_HOME ?= $(CURDIR)/dagster_home

.PHONY: install engines demo test test-slow lint ui bench bench-quick bench-warehouses clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The dbt manifest must exist before the Dagster definitions load; importing the project
	# parses it with the same settings the runs use, so their partial parsing stays valid.
	rm -f dbt_models/target/manifest.json
	$(BIN)/python -c 'import fullstory_assets.dbt.project'
	touch $@

engines: $(ENGINES)/.installed

$(ENGINES)/.installed: tests/engines/install.sh
	PYTHON=$(PYTHON) bash tests/engines/install.sh $(ENGINES)
	touch $@

demo: install
	$(BIN)/fullstory-assets demo

test: install engines
	$(BIN)/pytest -n 2 --dist loadfile

test-slow: install
	$(BIN)/pytest -m slow

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_models && ../$(BIN)/sqlfluff lint models

ui: install
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

bench: install
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick

bench-warehouses: install engines
	$(BIN)/python -m bench.warehouse_runs

clean:
	rm -rf $(VENV) $(ENGINES) dbt_models/target data
