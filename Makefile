# Two commands: `make run` starts the dashboard, `make test` runs every test.
# Each builds .venv itself and reinstalls only when pyproject.toml changes.
# `make validate` checks the model against published targets (docs/validation.md).
# `make fuzz` throws over 10,000 hostile inputs at every entry point and prints a summary table.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench golden validate fuzz clean

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

# The validation report at its default size into out/validation, and the copy the dashboard's
# Evidence page shows (sim/validation/reference.json); review its diff like the golden files.
validate: $(STAMP)
	$(BIN)/python -m sim validate --jobs 2 --out out/validation --force
	cp out/validation/validation.json sim/validation/reference.json

clean:
	rm -rf $(VENV) .pytest_cache
