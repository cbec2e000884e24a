#!/usr/bin/env bash
# Write the next Alembic revision from the models: scripts/new-migration.sh 0003 "what changed"
# (autogenerate against a scratch SQLite database upgraded to head; review the file before committing).
set -euo pipefail
cd "$(dirname "$0")/.."
number=$1 message=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export DATABASE_URL="sqlite:///$scratch/migrate.db" SECRET_KEY=migrations
.venv/bin/safety db upgrade >/dev/null
.venv/bin/safety db migrate -m "$message" --rev-id "$number" 2>&1 | grep -E "Generating|No changes"
