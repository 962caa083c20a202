# Two commands for a newcomer: `make demo` serves the dashboard on a seeded demo registry,
# `make test` runs every test. Both create the virtual environment they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: demo seed serve monitor test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

demo: seed serve

seed: $(VENV)/.runtime
	$(BIN)/python -m dashboard.demo

serve: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT)

# The monitor on the same registry, policy and store as `make serve` (a pass every 5 minutes).
monitor: $(VENV)/.runtime
	$(BIN)/python -m dashboard.monitor --interval 300

test: $(VENV)/.dev
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.dev
	$(BIN)/python bench/fetch.py

clean:
	rm -rf $(VENV) .demo test-artifacts
