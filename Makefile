# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= sqlite:///aidledger.db

.PHONY: demo test install install-dev eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

## Ingest the sample corpus shipped in the package into aidledger.db and print the ledger.
demo: install
	$(BIN)/aidledger ingest --db $(DB) $$($(BIN)/python -c "import aidledger, pathlib; print(pathlib.Path(aidledger.__file__).parent / 'sample')")
	$(BIN)/aidledger ledger --db $(DB)

## Install the dev dependencies and run the whole test suite (what CI runs).
test: install-dev
	$(BIN)/python -m pytest -q

## Score the extractor on the seeds and the dev corpus.
eval: install
	$(BIN)/aidledger eval ../shared/gold/seeds.json --docs ../shared/seeds
	$(BIN)/aidledger eval corpus/dev/gold.json --docs corpus/dev/docs

bench: install-dev
	$(BIN)/python benchmarks/bench_extract.py

clean:
	rm -rf $(VENV) aidledger.db aidledger.db-wal aidledger.db-shm .pytest_cache
