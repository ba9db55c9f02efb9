#!/usr/bin/env bash
# Install complaintbot with its test tools into .venv and run the whole suite:
# ruff, then pytest on SQLite and on PostgreSQL (COMPLAINTBOT_TEST_POSTGRES_URL, default
# the local server's database `test`). Under CI=true a missing PostgreSQL fails the run.
# Tests run in one process per core (pytest-xdist); pass `-n 0` to run them in this one.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest -n auto --dist worksteal "$@"
