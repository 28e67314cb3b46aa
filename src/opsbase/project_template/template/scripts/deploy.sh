#!/usr/bin/env bash
# Put the current code live: back up, migrate, collect static files, check, then reload
# gunicorn gracefully (running requests finish) and restart the Celery units.
#   scripts/deploy.sh [--no-backup]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
backup=1
for arg in "$@"; do
  case "$arg" in
    --no-backup) backup=0 ;;
    *) echo "deploy.sh: unknown option $arg (use --no-backup)" >&2; exit 2 ;;
  esac
done
if [ "$backup" = 1 ]; then "$PYTHON" manage.py opsbase_backup; fi
"$PYTHON" manage.py migrate --noinput
"$PYTHON" manage.py collectstatic --noinput
"$PYTHON" manage.py check --fail-level ERROR
if have_systemd && systemctl list-unit-files "$SERVICE.service" >/dev/null 2>&1; then
  systemctl reload "$SERVICE.service"
  for unit in "$SERVICE-celery.service" "$SERVICE-celerybeat.service"; do
    if systemctl is-enabled --quiet "$unit" 2>/dev/null; then systemctl restart "$unit"; fi
  done
  echo "deploy.sh: reloaded $SERVICE (gunicorn) and restarted its Celery units"
else
  echo "deploy.sh: systemd does not manage $SERVICE here; reload gunicorn yourself" \
       "(kill -HUP <gunicorn master pid>) and restart the Celery worker"
fi
