#!/usr/bin/env bash
# Set up and run the whole test suite: first the core's tests in an environment with no plugin
# installed (the core must not depend on its plugins), then everything with both plugins installed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh core
echo "== core tests, no plugin installed"
.venv-core/bin/python -m pytest tests -q "$@"

bash scripts/setup.sh test
echo "== all tests, both plugins installed"
.venv/bin/python -m pytest -q "$@"
