# The two commands a new user types: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: .venv demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Create the virtualenv and install newswire with what its tests need.
.venv: $(VENV)/.installed

# Start newswire on a fresh demo data dir with sample stories, subscribers and keys.
demo: .venv
	$(BIN)/newswire demo

lint: .venv
	$(BIN)/ruff check newswire tests bench
	$(BIN)/ruff format --check newswire tests bench
	$(BIN)/mypy newswire

# Lint, type-check and run the whole suite against a real PostgreSQL.
test: lint
	$(BIN)/python -m pytest

# Benchmarks: print numbers and save JSON in bench/results/.
bench: .venv
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/publish_latency.py
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) newswire-demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
