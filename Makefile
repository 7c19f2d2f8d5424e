# dlclassics — set-up and checks. Everything runs inside .venv, created on first use.
#   make demo      install, run `dlc tour --quick` (data fetched on first use), print the report path
#   make test      install dev tools, lint (ruff), type check (mypy), run the test suite
#   make test-all  the suite including `slow` and `network` tests
#   make bench     every benchmark in benchmarks/ (long; not in CI)
# Both demo and test are idempotent: the venv and the data cache are reused.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# torch is pinned here, not in pyproject: this build is the CPU wheel these machines carry.
TORCH  := torch==2.13.0

.PHONY: demo test test-all lint typecheck install dev bench results clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/dlc tour --quick

lint: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: dev
	$(BIN)/mypy

# pytest exits 5 when it collects nothing: that is a failure here, never a green run.
define run_pytest
	@$(BIN)/python -m pytest $(1); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc
endef

test: lint typecheck
	$(call run_pytest,-n auto --dist loadfile -q)

test-all: lint typecheck
	$(call run_pytest,-n auto --dist loadfile -q -m "slow or network or not slow")

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

# benchmarks/results/*.json -> benchmarks/RESULTS.md and README's headline table (standard library only)
results: | $(BIN)/python
	$(BIN)/python benchmarks/results.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache runs
