# Two commands: `make lab` and `make test`. Both bootstrap .venv when it is missing and
# skip the install when pyproject.toml has not changed since the last one.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.studykit-installed

.PHONY: setup lab fontcheck test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "studykit needs Python 3.11 or newer: run 'make PYTHON=python3.12 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# Token authentication stays on (the URL with the token is printed); root needs --allow-root.
lab: setup fontcheck
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=notebooks \
	  --LabApp.default_url=/lab/tree/00-index.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

# Charts carry their own font, but the browser draws the page with the system's fonts: warn when
# there is no Chinese one (README.md says how to install fonts-noto-cjk).
fontcheck:
	@if ! command -v fc-list >/dev/null 2>&1 || [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; then \
	  echo "warning: no Chinese font found (fc-list :lang=zh is empty): JupyterLab will show boxes for Chinese labels."; \
	  echo "         install one, e.g. 'sudo apt-get install fonts-noto-cjk' on Debian/Ubuntu (see README.md)."; \
	fi

lint: setup
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/mypy src

# One worker per core; a test file stays on one worker (its module fixtures, e.g. a JupyterLab server, start once).
test: lint
	$(BIN)/python -m pytest -n auto --dist loadfile

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
