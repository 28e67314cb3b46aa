#!/usr/bin/env bash
# Back up the database: a timestamped, compressed file in backups/ (or --dir), the newest
# --keep (default 7) kept. Any option of `manage.py opsbase_backup` works here.
#   scripts/backup_db.sh [--keep N] [--dir DIR] [--database ALIAS]
# Nightly, from cron:  15 3 * * *  {{ service }} /path/to/project/scripts/backup_db.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
exec "$PYTHON" manage.py opsbase_backup "$@"
