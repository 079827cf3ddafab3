# Vägvisare — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run consult test lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The main job: the guided MDR consultation in the terminal (language: LANG_UI=sv|en).
LANG_UI ?= sv
MODULE ?= mdr
run: install
	$(BIN)/vagvisare consult $(MODULE) --lang $(LANG_UI)

consult: run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install lint
	$(BIN)/vagvisare check
	$(BIN)/python -m pytest -n 2

# Benchmark experta against CLIPS; writes bench/results.json (see bench/README.md).
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
