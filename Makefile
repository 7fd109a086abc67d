# Two entry points (see README): `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
QUESTION ?= Wanneer is het volgende BOFv?

.PHONY: setup postgres demo test eval bench bench-full clean

setup: $(STAMP)

# Re-installs when pyproject.toml changes. torch is pinned to 2.13.0 there (CPU build).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: setup
	$(BIN)/ledenbot reindex
	$(BIN)/ledenbot ask "$(QUESTION)"

# The tests run against a real PostgreSQL server they start themselves (tests/pg_server.py).
postgres:
	bash .ci/postgres

test: setup postgres
	$(BIN)/python -m pytest -q

# Dev and held-out halves are reported apart; held-out files are never used for tuning (tests/eval/README.md).
UNDATED_INDEX := .ledenbot/index-undated
FRESH_INDEX   := .ledenbot/index-fresh
THIRD_INDEX   := .ledenbot/index-third
eval: setup
	$(BIN)/ledenbot reindex
	$(BIN)/ledenbot reindex --letters tests/eval/letters-undated --index $(UNDATED_INDEX)
	$(BIN)/ledenbot eval tests/eval/questions.jsonl tests/eval/nearmiss-dev.jsonl tests/eval/nearmiss-heldout.jsonl
	$(BIN)/ledenbot eval --index $(UNDATED_INDEX) tests/eval/undated-dev.jsonl tests/eval/undated-heldout.jsonl
	$(BIN)/ledenbot reindex --letters tests/eval/letters-fresh --index $(FRESH_INDEX)
	$(BIN)/ledenbot eval --index $(FRESH_INDEX) tests/eval/fresh-dev.jsonl tests/eval/fresh-heldout.jsonl
	$(BIN)/ledenbot reindex --letters tests/eval/letters-third --index $(THIRD_INDEX)
	$(BIN)/ledenbot eval --index $(THIRD_INDEX) tests/eval/third-dev.jsonl tests/eval/third-heldout.jsonl

bench: setup
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/perf.py --quick

bench-full: setup
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/perf.py

clean:
	rm -rf .ledenbot
