# Vraagbaak: two commands for a new user.
#   make run   set up .venv, ingest the bundled corpus when needed, start the chat page
#   make test  set up .venv with the test extras (and Debian's chromium), run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Offline by default: no library may phone home or fetch models.
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export LANGCHAIN_TRACING_V2 := false
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run test venv test-venv browser ingest ui lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# torch==2.13.0 is a CPU build on local disk here; any other version downloads GBs of CUDA.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test,st]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed

test-venv: $(VENV)/.installed-test

# Debian's chromium and its driver for the browser test; never a browser download.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v strace >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver strace >/dev/null; \
	fi

ingest: venv
	$(BIN)/vraagbaak ingest

run: venv
	$(BIN)/vraagbaak ingest
	$(BIN)/vraagbaak ui

test: test-venv browser
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

lint: test-venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: venv
	$(BIN)/python -m benchmarks.run

eval: venv
	$(BIN)/vraagbaak eval --report evals/reports --compare evals/baseline.json

clean:
	rm -rf $(VENV) .vraagbaak test-output
