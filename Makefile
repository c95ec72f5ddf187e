# The two commands a new user types: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: .venv demo test lint bench clean chromium ffmpeg

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

# The browser tests drive the system Chromium (never `playwright install`): installed
# from the system package manager when running as root and it is missing.
chromium:
	@[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
	  echo "chromium could not be installed: browser tests will be skipped"; \
	else echo "chromium not found: browser tests will be skipped (apt-get install chromium)"; fi

# The video tests run the system ffmpeg: installed the same way, skipped when missing.
ffmpeg:
	@command -v ffmpeg >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg) || \
	  echo "ffmpeg could not be installed: video tests will be skipped"; \
	else echo "ffmpeg not found: video tests will be skipped (apt-get install ffmpeg)"; fi

# Lint, type-check and run the whole suite against a real PostgreSQL and a real Chromium.
test: lint chromium ffmpeg
	$(BIN)/python -m pytest

# Benchmarks: print numbers and save JSON in bench/results/.
bench: .venv
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/publish_latency.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/alerts.py

clean:
	rm -rf $(VENV) newswire-demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
