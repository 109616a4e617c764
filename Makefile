# Two commands a user needs (see README.md):
#   make map   — install into .venv and build the concept maps from notes/ into outputs/
#   make test  — install into .venv (with test extras) and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: install map test lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

map: install
	$(BIN)/notegraph build notes --out outputs

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check notegraph tests bench scripts

bench: install
	$(BIN)/python bench/bench_build.py

eval: install
	$(BIN)/python scripts/evaluate.py

clean:
	rm -rf outputs/*/ outputs/.cache outputs/.notegraph-output
