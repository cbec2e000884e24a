#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml's ranges (run after changing a dependency there):
#   requirements/runtime.txt  the service (with the s3 extra: the image serves object storage too)
#   requirements/test.txt     the service, the test tools and the s3 extra: what scripts/test.sh installs
# Existing pins are kept unless pyproject.toml rules them out: re-running changes nothing.
#   bash scripts/lock.sh             keep what is pinned, add what is new
#   bash scripts/lock.sh --upgrade   move everything to the newest versions pyproject.toml allows
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9  # the resolver itself is pinned, so two people locking get the same files
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
if [ "$(.venv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" 2> >(grep -v "^WARNING: Location" >&2)
fi
# --universal: one file for every platform (markers instead of this machine's answers);
# 3.11: the oldest Python pyproject.toml allows, and the image's.
compile() {
  .venv/bin/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
    --custom-compile-command "bash scripts/lock.sh" "$@"
}
compile --extra s3 --extra test -o requirements/test.txt "$@"
# The runtime pins are taken from the test lock: the suite tests exactly what is deployed.
compile --extra s3 --constraint requirements/test.txt -o requirements/runtime.txt "$@"
echo "requirements/runtime.txt: $(grep -c '==' requirements/runtime.txt) pins;" \
     "requirements/test.txt: $(grep -c '==' requirements/test.txt) pins"
