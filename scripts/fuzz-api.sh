#!/usr/bin/env bash
# Hostile input: schemathesis against /api/v1/openapi.json, every operation, authenticated as the city safety
# office (it sees every school), on a fresh demo city. Passes when no request gets a 5xx and every response
# matches its documented schema.   bash scripts/fuzz-api.sh [max examples per operation, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-20}
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/fuzz.db" SECRET_KEY=fuzz PHOTO_STORAGE_DIR="$work/photos"
export PUBLIC_BASE_URL=http://127.0.0.1:5099 LOGIN_MAX_FAILURES=1000000
.venv/bin/safety db upgrade >/dev/null
.venv/bin/safety demo >/dev/null
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/gunicorn --config deploy/gunicorn.conf.py --bind "127.0.0.1:$port" --workers 2 --access-logfile /dev/null \
  --error-logfile "$work/server.log" --capture-output "safety:create_app()" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.2; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username": "office.city", "password": "demo-pass-2026"}' | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Logging out would revoke the token the rest of the run uses.
.venv/bin/st run "http://127.0.0.1:$port/api/v1/openapi.json" -H "Authorization: Bearer $token" \
  --max-examples "$examples" --checks not_a_server_error,response_schema_conformance --request-timeout 60 \
  --exclude-path /api/v1/auth/logout --generation-deterministic --no-color \
  || { echo "--- server errors (last lines of the server log):"; grep -v "^\s*\^*$" "$work/server.log" | tail -60
       exit 1; }
