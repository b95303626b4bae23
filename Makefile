# One command to run the bot (the local demo when no token is configured), one to test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint messages bench bench-import bench-report bench-webhook bench-failover score-reports clean

$(BIN)/nextsteps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/nextsteps

run: $(BIN)/nextsteps  ## the bot for real if a token is configured, else the local demo
	$(BIN)/nextsteps run --demo-if-no-token

demo: $(BIN)/nextsteps  ## the local demo: emulator + bot + terminal chat, no token needed
	$(BIN)/nextsteps demo

test: $(BIN)/nextsteps  ## the whole test suite
	$(BIN)/python -m pytest -q

lint: $(BIN)/nextsteps
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

# the user errors raised in core/ carry an English message id as their first argument (core/errors.py)
ERROR_KEYWORDS := -k UserError -k BadInput -k PermissionDenied -k NotFound

messages: $(BIN)/nextsteps  ## the catalog template from the code, merged into every language's catalog
	$(BIN)/pybabel extract -F babel.cfg $(ERROR_KEYWORDS) -o core/locales/messages.pot --no-location --sort-output \
		--project NextSteps --version 0.1.0 --copyright-holder "NextSteps contributors" .
	$(BIN)/pybabel update -i core/locales/messages.pot -d core/locales \
		--no-fuzzy-matching --ignore-obsolete

bench: $(BIN)/nextsteps  ## throughput vs echo, sequential latency, /items during a 1,000-recipient broadcast
	$(BIN)/python bench/bench_throughput.py $(BENCH_ARGS)

bench-import: $(BIN)/nextsteps  ## report import speed: 200 and 10,000 steps, parse + store
	$(BIN)/python bench/bench_import.py $(BENCH_ARGS)

bench-report: $(BIN)/nextsteps  ## /report of 1,000 steps (DOCX + PDF + chart), XLSX of 10,000 items, peak RSS
	$(BIN)/python bench/bench_report_all.py $(BENCH_ARGS)

bench-webhook: $(BIN)/nextsteps  ## updates/s: webhook vs long polling on the same emulator (--postgres URL: two instances too)
	$(BIN)/python bench/bench_webhook.py $(BENCH_ARGS)

bench-failover: $(BIN)/nextsteps  ## two instances on PostgreSQL: kill the leader mid-tick 10 times, time to the other's first follow-up
	$(BIN)/python bench/bench_failover.py $(BENCH_ARGS)

score-reports: $(BIN)/nextsteps  ## report extraction vs ../shared/reports/dev (recall, precision, deadlines, owners); SCORE_ARGS=--pdf also as PDFs
	$(BIN)/python bench/score_reports.py $(SCORE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
