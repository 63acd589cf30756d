#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, then runs every test
# (browser tests included). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
python3 -m ruff check .
python3 -m pytest -n 2 "$@"
