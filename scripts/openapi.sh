#!/usr/bin/env bash
# The OpenAPI document as a phone developer meets it. Refreshes the snapshot docs/openapi.json from the served
# document, then: openapi-spec-validator; Redocly (`recommended`) and Spectral (`spectral:oas`) with zero errors;
# a Python client (openapi-python-client) and a TypeScript one (openapi-typescript) with zero warnings.
#   bash scripts/openapi.sh            refresh and check       bash scripts/openapi.sh --check   check only
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
doc=docs/openapi.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "the served document"
.venv/bin/python - "$work/served.json" <<'PY'
import json, sys, tempfile
from safety import create_app
with tempfile.TemporaryDirectory() as folder:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/spec.db", "SECRET_KEY": "spec",
                      "PHOTO_STORAGE_DIR": folder})
    spec = app.test_client().get("/api/v1/openapi.json").json
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(spec, out, ensure_ascii=False, indent=2, sort_keys=True)
    out.write("\n")
PY
if [ "${1:-}" = "--check" ]; then
  cmp -s "$work/served.json" "$doc" || { echo "$doc differs from the served document: run scripts/openapi.sh" >&2; exit 1; }
else
  cp "$work/served.json" "$doc"
fi

step "openapi-spec-validator"
.venv/bin/openapi-spec-validator "$doc"

step "Redocly and Spectral"
install_node_tools
tools/node_modules/.bin/redocly lint --config tools/redocly.yaml "$doc"
tools/node_modules/.bin/spectral lint --ruleset tools/spectral.yaml --fail-severity error "$doc"

step "generated clients (no warnings)"
.venv/bin/openapi-python-client generate --path "$doc" --meta none --config tools/openapi-python-client.yaml \
  --output-path "$work/python-client" > "$work/python.log" 2>&1 || { cat "$work/python.log"; exit 1; }
if grep -qi "warning" "$work/python.log"; then cat "$work/python.log"; exit 1; fi
tools/node_modules/.bin/openapi-typescript "$doc" --output "$work/client.d.ts" > "$work/ts.log" 2>&1 \
  || { cat "$work/ts.log"; exit 1; }
if grep -qi "warn" "$work/ts.log"; then cat "$work/ts.log"; exit 1; fi
echo "all good"
