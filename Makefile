# bulk-publish-gate: one command per job. `make up` and `make test` are the quick start.
PYTHON ?= python3
VENV ?= venv
PY := $(VENV)/bin/python

.PHONY: up down unlock engine sdk test e2e fuzz lint format docs emulator bench lock clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

## The main job: the local stack and its consumers, by the pulumi commands a user types (engine built when missing).
up: $(VENV)/.installed
	$(PY) -m harness.local up

## Destroy the local stacks and stop the emulator and moto (fails when a stack could not be destroyed).
down:
	@if [ -x $(PY) ]; then $(PY) -m harness.local down; fi

## After an update stopped hard (two Ctrl-C): clear the local stacks' lock and pending operations.
unlock:
	@if [ -x $(PY) ]; then $(PY) -m harness.local unlock; fi

## Build the pinned Pulumi engine (CLI + dynamic-provider shim, Python and YAML language hosts)
## and the SDK generator into .tools/bin; no-op when current.
engine: $(VENV)/.installed
	$(PY) -m tools.engine build

## Regenerate the plugin's SDKs in sdk/ (nodejs, python, go) from its schema (a test fails when stale).
sdk: $(VENV)/.installed
	$(PY) -m tools.engine sdk

## The whole suite, e2e through the real engine (`pulumi` on PATH, else the pinned build).
test: $(VENV)/.installed
	@$(PY) -m tools.engine ensure || [ "$${CI:-}" != true ]
	$(PY) -m ruff check .
	$(PY) -m pytest

## Only the real-engine tests (Automation API).
e2e: $(VENV)/.installed
	@$(PY) -m tools.engine ensure || [ "$${CI:-}" != true ]
	$(PY) -m pytest tests/e2e -rs

## A wider, random search of the property and fault-schedule suites (the tests run fixed ones).
fuzz: $(VENV)/.installed
	HYPOTHESIS_PROFILE=thorough BPG_FAULT_SCHEDULES=5000 BPG_FAULT_SEED=$$RANDOM \
		$(PY) -m pytest tests/unit/test_input_properties.py tests/unit/core/test_fault_schedules.py -q

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Write docs/reference/ and Pulumi.yaml's config section from the tables (a unit test fails when stale).
docs: $(VENV)/.installed
	$(PY) -m components.docs docs/reference

## The Cognito Sync emulator on its own, with the example seed.
emulator: $(VENV)/.installed
	$(PY) -m emulator --port 4599 --seed examples/emulator-seed.json

## Benchmarks: figures printed, nothing asserted (BPG_BENCH_POOLS=N: the many-pools size).
bench: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt -c constraints.txt
	$(PY) -m benchmarks

## Re-pin the whole dependency tree after changing requirements*.txt.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	sed '/^-c /d' requirements.txt > .lock-venv/req.txt
	sed -e '/^-r /d' requirements-dev.txt >> .lock-venv/req.txt
	.lock-venv/bin/pip install --quiet -r .lock-venv/req.txt
	{ head -2 constraints.txt; .lock-venv/bin/pip freeze; } > constraints.new && mv constraints.new constraints.txt
	rm -rf .lock-venv

clean: down
	rm -rf $(VENV) .tools .pulumi-state .local-run .pytest_cache .ruff_cache
