# elsim: `make run` and `make test` each set everything up on a fresh clone (Python 3.11 + pip).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install test lint check wheel-check run report-shot bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): setup.cfg setup.py pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# Before 0.1.0 the distribution was called elsim, a name PyPI gives another project.
	$(BIN)/python -m pip uninstall --quiet --yes elsim 2>/dev/null || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench,plot,lint]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install elsim with its test, bench, plot and lint extras

test: install  ## run the test suite
	$(BIN)/python -m pytest

lint: install  ## style (ruff) and types (mypy); settings in pyproject.toml
	$(BIN)/ruff check sim tests bench
	$(BIN)/mypy

check: test lint  ## the tests, lint, then re-run the shipped scenarios against their baselines
	$(BIN)/elsim check --quiet

wheel-check: install  ## build the sdist and wheel, install the wheel in a fresh venv outside the checkout, run its example
	$(BIN)/python -m pytest -m wheel tests/test_wheel.py

run: install  ## run the shipped Kazakh and Spanish scenarios: results/, pictures, results/report.html
	$(BIN)/elsim run scenarios/kz-2021 scenarios/kz-2023 scenarios/es-2023
	$(BIN)/elsim infer scenarios/kz-2021/reconcile.toml --observed scenarios/history/kz-2021.toml --out results
	$(BIN)/elsim plot results --out results/plots
	$(BIN)/elsim report results --out results/report.html

report-shot: install  ## screenshot of the report's first screen (needs chromium), for the README
	$(BIN)/python -m tests.browser results/report.html docs/report-first-screen.png

bench: install  ## print the speed figures (ratios against baselines measured in the same run)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[peers]'
	$(BIN)/python -m bench

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis build dist *.egg-info
