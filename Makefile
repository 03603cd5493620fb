# The two commands of the README: `make run` starts the whole engine, `make test` runs every test.
# Both create or update the local virtualenv in .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/rechnungslauf serve

test: $(STAMP)
	$(BIN)/python -m pytest -q -ra $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/xrechnung_rules.py
	$(BIN)/python bench/inbox.py
	$(BIN)/python bench/web_pages.py
	$(BIN)/python bench/workflow.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/temporal_floor.py
	$(BIN)/python bench/e2e.py

clean:
	rm -rf $(VENV) var
