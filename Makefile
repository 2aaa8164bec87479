# elsim: `make run` and `make test` each set everything up on a fresh clone (Python 3.11 + pip).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install test check run bench clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench,plot]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install elsim with its test, bench and plot extras

test: install  ## run the test suite
	$(BIN)/python -m pytest

check: test  ## the tests, then re-run the shipped scenarios against their baselines in results/
	$(BIN)/elsim check --quiet

run: install  ## run the shipped Kazakhstan scenarios: results/, pictures, results/report.html
	$(BIN)/elsim run scenarios/kz-2021 scenarios/kz-2023
	$(BIN)/elsim infer scenarios/kz-2021/reconcile.toml --observed scenarios/history/kz-2021.toml --out results
	$(BIN)/elsim plot results --out results/plots
	$(BIN)/elsim report results --out results/report.html

bench: install  ## print the speed figures (ratios against baselines measured in the same run)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[peers]'
	$(BIN)/python -m bench

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
