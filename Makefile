# Habits a newcomer can rely on. Every target runs the tools of the venv the README's
# commands create (`make venv` makes it); .ci/run runs lint, types and layers, then the
# README's test command.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: help venv test test-fast lint types layers check format

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

venv:  ## the venv with the test extra (pytest, ruff, mypy, import-linter)
	python3 -m venv $(VENV) && $(BIN)/pip install -q -e ".[test]"

test:  ## the full suite (about 5 min on 2 cores)
	$(BIN)/python -m pytest -q

test-fast:  ## the fast unit tests only: everything not refresh-backed (tests/conftest.py marks those slow)
	$(BIN)/python -m pytest -q -m "not slow"

lint:  ## ruff lint, and the format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:  ## mypy on warehouse/ and analysis/ (pyproject [tool.mypy])
	$(BIN)/mypy

layers:  ## import-linter: the layer contracts of pyproject [tool.importlinter]
	$(BIN)/lint-imports

check: lint types layers  ## what .ci/run checks before the tests

format:  ## apply ruff's formatter and its safe lint fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
