# Two commands on a fresh machine with Python 3.11+:
#   make demo   creates .venv, installs Vitrine, runs a whole simulated live
#   make test   creates .venv, installs with the dev extra, runs lint and the whole suite
.PHONY: demo test lint format bench clean

VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& { echo $$p; break; }; done)

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(VENV)/bin/vitrine demo $(DEMO_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy kernel vitrine live bots commerce moderation prompts
	$(VENV)/bin/lint-imports --no-cache

test: lint
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.dev
	$(PY) bench/parse_throughput.py
	$(PY) bench/moderate_throughput.py
	$(PY) bench/flash_sale.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
