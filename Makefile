# abide: `make demo` sets everything up and runs the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	./scripts/install-browser
	touch $@

demo: $(VENV)/.installed
	$(BIN)/abide demo

test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

messages: $(VENV)/.installed
	cd src/abide && ../../$(BIN)/abide makemessages --all --no-obsolete --no-location --ignore 'tests/*'
	cd src/abide && ../../$(BIN)/abide compilemessages

clean:
	rm -rf $(VENV) build src/*.egg-info
