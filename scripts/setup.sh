#!/usr/bin/env bash
# Set up a virtual environment with the engine and its plugins, installed from this checkout.
#   scripts/setup.sh          .venv with the core and both plugins
#   scripts/setup.sh test     the same, plus the test dependencies and the rtoml extra (so that the
#                             TOML parsers' differential tests run)
#   scripts/setup.sh core     .venv-core with the core and its test dependencies only (no plugin, no
#                             extra: its tests see the default parser alone, and rtoml missing)
set -euo pipefail
cd "$(dirname "$0")/.."

python=""
for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "setup: Python 3.11 or newer is needed" >&2
    exit 2
fi

mode=${1:-run}
venv=.venv
[ "$mode" = core ] && venv=.venv-core
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)

case "$mode" in
    run)  "${pip[@]}" -e . -e plugins/nine_dimension -e plugins/qi_skills ;;
    test) "${pip[@]}" -e '.[test,rtoml]' -e plugins/nine_dimension -e plugins/qi_skills ;;
    core) "${pip[@]}" -e '.[test]' ;;
    *) echo "setup: unknown mode '$mode' (run, test or core)" >&2; exit 2 ;;
esac
