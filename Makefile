# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench screenshots package clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/handoff-assistant $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scan.py $(ARGS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_screenshots.py

# The frozen app (PyInstaller) built in a clean venv from this checkout, then smoke-tested from the tarball:
# dist/handoff-assistant-<version>-linux-x86_64.tar.gz (packaging/README.md). Takes a few minutes.
PACKAGE_VENV := build/package-venv
package:
	rm -rf $(PACKAGE_VENV) build/pyinstaller
	$(PYTHON) -m venv $(PACKAGE_VENV)
	$(PACKAGE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PACKAGE_VENV)/bin/python -m pip install --quiet '.[package]'
	$(PACKAGE_VENV)/bin/python packaging/build_package.py $(ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info
