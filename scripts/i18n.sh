#!/usr/bin/env bash
# Refresh the translation catalogue after changing user-facing strings:
# extract → merge into zh_Hans_CN → compile. Untranslated entries then show up in the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -k gettext -k ngettext:1,2 --no-location \
  --sort-output -o safety/translations/messages.pot --project campus-safety . >/dev/null 2>&1
if [ -f safety/translations/zh_Hans_CN/LC_MESSAGES/messages.po ]; then
  "$PYBABEL" update -i safety/translations/messages.pot -d safety/translations -l zh_Hans_CN --no-fuzzy-matching >/dev/null
else
  "$PYBABEL" init -i safety/translations/messages.pot -d safety/translations -l zh_Hans_CN >/dev/null
fi
"$PYBABEL" compile -d safety/translations --statistics
