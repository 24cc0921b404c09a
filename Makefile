# One task runner: README, CI (.ci/run) and contributors call these targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
# Where `make run` listens: this machine only. For a LAN or a container, say so on the
# command line (an ADDRESS variable in the environment does not change it):
#   make run ADDRESS=0.0.0.0
ADDRESS = 127.0.0.1
# Install the exact versions the project is tested with (constraints.txt pins, never adds).
PIP_INSTALL := $(BIN)/pip install --quiet -c constraints.txt

.PHONY: run test lint validate stats bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install the app and open the dashboard on the bundled data (no network needed at run time;
# .streamlit/config.toml turns off everything that would call out).
run: $(BIN)/python
	$(PIP_INSTALL) -e .
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

# Install the test dependencies and run the whole suite (lint + tests).
test: $(BIN)/python
	$(PIP_INSTALL) -e ".[test]"
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(BIN)/python
	$(BIN)/ruff check .

validate: $(BIN)/python
	$(BIN)/python -m lawreach validate data

stats: $(BIN)/python
	$(BIN)/python -m lawreach stats data

bench: $(BIN)/python
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_export.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
