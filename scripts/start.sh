#!/usr/bin/env bash
# First README command: set up a fresh clone and run the service on SQLite with the demo city.
#   bash scripts/start.sh            (PORT=5000 HOST=127.0.0.1 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv
install_locked runtime
install_system_fonts

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$HOST:$PORT}

step "applying database migrations"
.venv/bin/safety db upgrade
step "loading the demo city (only into an empty database)"
.venv/bin/safety demo --if-empty

step "starting the web service on $PUBLIC_BASE_URL (Ctrl-C stops everything)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
if .venv/bin/safety --help 2>/dev/null | grep -q "^  scheduler"; then
  .venv/bin/safety scheduler & pids+=($!)
fi
# Warnings and errors only: the console shows what needs attention (GUNICORN_ACCESSLOG=- adds every request).
GUNICORN_ACCESSLOG=${GUNICORN_ACCESSLOG:-/dev/null} .venv/bin/gunicorn --config deploy/gunicorn.conf.py \
  --bind "$HOST:$PORT" --log-level warning "safety:create_app()" & pids+=($!)
wait_until_healthy "http://$HOST:$PORT/api/v1/health" "${pids[-1]}"
echo
echo "Open $PUBLIC_BASE_URL/login (the pages; API docs at $PUBLIC_BASE_URL/api/v1/docs) — log in with a demo user listed above."
wait -n "${pids[@]}"
