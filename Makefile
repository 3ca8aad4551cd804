# Two commands: `make run` starts the dashboard, `make test` runs every test.
# Each builds .venv itself and reinstalls only when pyproject.toml changes.
# `make validate` checks the model against published targets (docs/validation.md).
# `make fuzz` throws over 10,000 hostile inputs at every entry point and prints a summary table.
# After installing, the compiled engine is built into its cache (python -m sim.vector.warm), so
# the first cohort does not wait for the compiler; it is rebuilt when a source of sim/ changes.
PYTHON ?= python3
PORT ?= 8501
# Test worker processes (pytest-xdist); each test file stays on one worker, so a file's shared
# server or browser starts once. TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WARM := $(VENV)/.warmed

.PHONY: run test lint bench golden validate fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Loads the cache in a few seconds when it is current; compiles (about half a minute) when not.
$(WARM): $(STAMP) $(shell find sim -name '*.py')
	$(BIN)/python -m sim.vector.warm
	touch $(WARM)

run: $(WARM)
	$(BIN)/streamlit run app.py --browser.gatherUsageStats false --server.port $(PORT)

test: $(WARM)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(WARM)
	$(BIN)/python benchmarks/bench_single.py

fuzz: $(WARM)
	$(BIN)/python -m tests.fuzz

golden: $(STAMP)
	$(BIN)/python -m tests.golden --write

# The validation report at its default size into out/validation, and the copy the dashboard's
# Evidence page shows (sim/validation/reference.json); review its diff like the golden files.
validate: $(WARM)
	$(BIN)/python -m sim validate --jobs 2 --out out/validation --force
	cp out/validation/validation.json sim/validation/reference.json

clean:
	rm -rf $(VENV) .pytest_cache
