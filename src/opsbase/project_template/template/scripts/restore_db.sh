#!/usr/bin/env bash
# Restore a backup made by backup_db.sh. Refuses a database that already has tables unless
# --force is given (take a backup of it first).
#   scripts/restore_db.sh backups/<file>        scripts/restore_db.sh --latest [--force]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
exec "$PYTHON" manage.py opsbase_restore "$@"
