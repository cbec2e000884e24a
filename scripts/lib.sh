# Shared by scripts/start.sh and scripts/test.sh.
step() { printf '\n==> %s\n' "$*"; }

ensure_venv() {
  local python=${PYTHON:-python3}
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "Python 3.11 or newer is needed (found $("$python" --version 2>&1))" >&2; exit 1; }
  if [ ! -x .venv/bin/python ]; then
    step "creating .venv"
    "$python" -m venv .venv
  fi
}

# The exact versions of requirements/<lock>.txt (written by scripts/lock.sh), then this checkout on top.
# `pip check` fails loudly when pyproject.toml asks for something the lock does not satisfy: run scripts/lock.sh.
install_locked() {
  local lock=requirements/$1.txt
  step "installing $lock"
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$lock" 2> >(grep -v "^WARNING: Location" >&2)
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps -e . 2> >(grep -v "^WARNING: Location" >&2)
  .venv/bin/pip check >/dev/null \
    || { .venv/bin/pip check >&2; echo "pyproject.toml and $lock disagree: run bash scripts/lock.sh" >&2; exit 1; }
}

# The npm tools of tools/package-lock.json (axe-core for the browser tests; Redocly, Spectral, openapi-typescript
# for scripts/openapi.sh), installed exactly (`npm ci`) and only again when the lock changes.
install_node_tools() {
  if cmp -s tools/package-lock.json tools/node_modules/.installed-lock.json 2>/dev/null; then return; fi
  command -v npm >/dev/null || { echo "npm is needed for the browser tests' accessibility checks (axe-core)" >&2; exit 1; }
  step "installing tools/package-lock.json (npm ci)"
  (cd tools && npm ci --no-audit --no-fund --silent) && cp tools/package-lock.json tools/node_modules/.installed-lock.json
}

# A Chinese font for printed labels and PDFs, judged by the app itself (`safety doctor --fonts`: a face that
# fontconfig knows for Chinese and that also draws Latin letters and digits, directly or with a Latin face).
# Debian/Ubuntu as root: installed here when missing; elsewhere, the doctor says what to do.
install_system_fonts() {
  if .venv/bin/safety doctor --fonts >/dev/null 2>&1; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing a CJK font (fonts-noto-cjk)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null
  fi
  .venv/bin/safety doctor --fonts >&2 || echo "note: labels and PDFs cannot be printed until this is fixed" >&2
}

# Poll the health endpoint until it answers 200, the server process dies, or 60 s pass.
wait_until_healthy() {
  local url=$1 server=$2
  for _ in $(seq 120); do
    if .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url" \
        2>/dev/null; then
      return 0
    fi
    kill -0 "$server" 2>/dev/null || { echo "the web service stopped before answering $url (see above)" >&2; exit 1; }
    sleep 0.5
  done
  echo "the web service did not answer $url within 60 s; check the messages above" >&2
  exit 1
}
