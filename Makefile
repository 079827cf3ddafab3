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

# The main job: the web UI at http://127.0.0.1:5000 (SQLite in ./instance; DATABASE_URL for PostgreSQL).
run: install
	$(BIN)/vagvisare serve --host 127.0.0.1 --port 5000

# The guided consultation in the terminal (language: LANG_UI=sv|en).
LANG_UI ?= sv
MODULE ?= mdr
consult: install
	$(BIN)/vagvisare consult $(MODULE) --lang $(LANG_UI)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install lint
	$(BIN)/vagvisare check
	$(BIN)/python -m pytest -n 2 -rs

# Benchmark experta against CLIPS, then the web UI and API under gunicorn (2 workers, loopback);
# writes bench/results.json (see bench/README.md).
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
