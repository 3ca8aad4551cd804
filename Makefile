# Two commands: `make run` starts the dashboard, `make test` runs every test.
# `make fuzz` throws over 10,000 hostile inputs at every entry point and prints a summary table.
# Each builds .venv itself and reinstalls only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench golden fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_single.py

fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz

golden: $(STAMP)
	$(BIN)/python -m tests.golden --write

clean:
	rm -rf $(VENV) .pytest_cache
