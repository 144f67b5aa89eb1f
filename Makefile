# RaSoat — everything a newcomer needs: `make run` and `make test` set up the environment first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv run test lint bench screenshots dist installer clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

## Start the desktop app on the embedded SQLite database in the user's data folder.
run: venv
	$(BIN)/rasoat gui

## The whole test suite, headless.
test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## ruff (lint + format check) and mypy (strict) on the core.
lint: venv
	$(BIN)/ruff check src tests benchmarks installer tools
	$(BIN)/ruff format --check src tests benchmarks installer tools
	$(BIN)/mypy

## Benchmarks on a 50,000-household demo commune (figures as ratios against raw baselines).
bench: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run

## PNGs of the main screens at 1366×768 for the README (docs/screenshots/).
screenshots: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots

## The one-folder bundle for this machine (dist/RaSoat) and its portable zip (installer/build.py).
dist: venv
	$(BIN)/python installer/build.py bundle

## The Windows installer from the bundle (NSIS makensis; run `make dist` on Windows first).
installer: dist
	$(BIN)/python installer/build.py installer

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
