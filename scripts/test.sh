#!/usr/bin/env bash
# Second README command: install what the tests need and run the whole suite (lint first).
#   bash scripts/test.sh [pytest args]
# TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/NAME runs it against PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv
install_locked test
install_node_tools

step "ruff"
.venv/bin/ruff check .
step "pytest on ${TEST_DATABASE_URL:+PostgreSQL}${TEST_DATABASE_URL:-SQLite}"
# Exit code 5 (no tests collected) is a failure like any other non-zero code.
.venv/bin/pytest -n "${PYTEST_WORKERS:-2}" "$@"
