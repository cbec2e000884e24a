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

# A Chinese font for printed labels and PDFs. Debian/Ubuntu as root: installed here; elsewhere, see README.
install_system_fonts() {
  if command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing a CJK font (fonts-noto-cjk)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null
  else
    echo "note: no Chinese font found; install fonts-noto-cjk or set CJK_FONT_PATH for labels" >&2
  fi
}
