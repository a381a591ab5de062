# AnSinh: `make run` serves the demo office on http://127.0.0.1:8000, `make test` runs lint and
# the whole suite on SQLite and, when PostgreSQL answers, again on PostgreSQL.
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/ansinh
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres lint chromium bench messages stress

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium fonts-dejavu-core >/dev/null; \
	  else sudo apt-get install -y -q chromium fonts-dejavu-core >/dev/null; fi; }

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

test-sqlite: setup chromium
	env -u DATABASE_URL $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

test-postgres: setup chromium
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
	  DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS); \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then echo "PostgreSQL is required but not reachable at $(PG_URL)"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL run"; fi

test: lint test-sqlite test-postgres

# Kill trials (tests/faults, issue 13): a receipt import, a monthly cycle and a hand-over,
# each killed with SIGKILL STRESS_TRIALS times at seeded random moments inside its write, on a
# SQLite file and on PostgreSQL ($(PG_URL)'s name + _kill). STRESS_SEED makes a run repeatable.
STRESS_TRIALS ?= 20
STRESS_SEED ?= 13
STRESS = ANSINH_KILL_TRIALS=$(STRESS_TRIALS) ANSINH_KILL_SEED=$(STRESS_SEED) \
  $(VENV)/bin/pytest tests/faults/test_killed_mid_write.py -p no:xdist -p no:cacheprovider -q -s

# The fuzz tests with many more examples than the suite's (STRESS_EXAMPLES per operation/form).
STRESS_EXAMPLES ?= 300
FUZZ = ANSINH_FUZZ_EXAMPLES=$(STRESS_EXAMPLES) $(VENV)/bin/pytest -p no:xdist -q \
  tests/test_fuzz_api.py tests/test_fuzz_uploads.py tests/test_fuzz_forms.py

stress: setup
	env -u DATABASE_URL $(STRESS)
	env -u DATABASE_URL $(FUZZ)
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then DATABASE_URL=$(PG_URL) $(STRESS); \
	else echo "PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL trials"; fi

# Benchmarks (bench/): SCALE=province (default, ansinh_bench) or national (ansinh_bench_national);
# BENCH_RUNS=3 repeats each part and prints the spread.
SCALE ?= province
BENCH_RUNS ?= 1
bench: setup
	SCALE=$(SCALE) BENCH_RUNS=$(BENCH_RUNS) $(PY) bench/run.py

messages: setup
	cd src/ansinh && ../../$(PY) ../../manage.py compilemessages
