#!/usr/bin/env bash
# Run the project's tests (pytest); any pytest option works: scripts/run_tests.sh -x -k login
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
exec "$PYTHON" -m pytest "$@"
