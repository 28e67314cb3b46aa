#!/usr/bin/env bash
# Run the project's tests (pytest, config.settings.test); any pytest option works:
#   scripts/run_tests.sh -x -k login
# They run on the database .env.test names, kept between runs: with PostgreSQL, the
# <name>_test database `opsbase new` made for the app's role, so row-level security applies
# as in production.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
exec "$PYTHON" -m pytest "$@"
