# Interview Analyzer. `make run` serves the product; `make test` runs the whole test suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run demo-data test test-sqlite test-postgres neo4j lint format bench load eval lock clean

install: $(STAMP) .env

# Reinstalls only when the lock changes; pip installs exactly the locked versions.
$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip check
	@touch $@

.env:
	@sed "s/^SECRET_KEY=.*/SECRET_KEY=$$(LC_ALL=C tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 50)/" \
		.env.example > .env
	@echo "created .env for local development (DEBUG on, random SECRET_KEY)"

run: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(MAKE) --no-print-directory demo-data
	$(BIN)/python manage.py runprojections --once
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

# The team's demo transcripts, ingested with the default analyzer. Safe to repeat: a file
# already ingested is recognised by its content and left as it is.
demo-data: install
	$(BIN)/python manage.py ingest demo/transcripts/*.txt demo/transcripts/*.vtt \
		demo/transcripts/*.srt --project demo

# The whole suite on SQLite, then again on PostgreSQL (started by tools/postgres.sh), with a
# real Neo4j for the graph tests (started by tools/neo4j.sh; NEO4J_BOLT_URL set: that one).
test: install test-sqlite test-postgres

test-sqlite:
	NEO4J_BOLT_URL=$${NEO4J_BOLT_URL:-$$(tools/neo4j.sh --start)} \
		DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(BIN)/pytest

test-postgres:
	NEO4J_BOLT_URL=$${NEO4J_BOLT_URL:-$$(tools/neo4j.sh --start)} \
		DATABASE_URL=$$(tools/postgres.sh) $(BIN)/pytest

# A local Neo4j in the foreground (NEO4J_PORT, default 7687), for NEO4J_BOLT_URL=bolt://127.0.0.1:7687.
neo4j:
	tools/neo4j.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every figure of docs/benchmarks.md (and bench/results/latest.json); the graph on a Neo4j of
# its own, port 7689 (bench.graph replaces its graph). BENCH_QUICK=1: small workloads, a smoke
# test of a few minutes (labelled so: do not commit its output). After `make load`,
# `python -m bench.render` puts the new load figures into docs/benchmarks.md.
bench: install
	NEO4J_BOLT_URL=$${NEO4J_BOLT_URL:-$$(NEO4J_PORT=7689 tools/neo4j.sh --start)} \
		DATABASE_URL=$$(tools/postgres.sh) $(BIN)/python -m bench

# 20 API clients editing, overriding and confirming overlapping sentences for 60 s against
# gunicorn and a following runprojections on PostgreSQL (loopback only), then the verification:
# every 202 in the history, no lost update, the digest equal to a clean replay's. Writes
# bench/results/load.json. The database is dropped and created afresh (its name must say "load").
load: install
	DATABASE_URL=$$(PGDB=interview_analyzer_load tools/postgres.sh) $(BIN)/python -m loadtest

# Accuracy of the analyzer (ANALYZER, default heuristic) on the held-out labelled test set.
eval: install
	$(BIN)/python -m analysis.evaluation --split test

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
