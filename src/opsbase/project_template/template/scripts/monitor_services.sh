#!/usr/bin/env bash
# Is everything up? /health/live and /health/ready through this machine's nginx, redirects
# followed (http to https), each answering 200; the processes `opsbase deploy` started; and,
# where systemd runs, the state of each unit. Exit status 1 when anything is wrong, so cron or
# a monitor can alert on it.
#   scripts/monitor_services.sh [URL] [--public]   (default: the URL deploy recorded;
#                                                  --public: also as the world reaches it)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
status=0
"$PYTHON" -m opsbase.serve.monitor --project "$PROJECT_DIR" "$@" || status=1
if have_systemd; then
  for unit in "$SERVICE.socket" "$SERVICE.service" "$SERVICE-celery.service" \
              "$SERVICE-celerybeat.service" nginx.service; do
    systemctl list-unit-files "$unit" >/dev/null 2>&1 || continue
    state=$(systemctl is-active "$unit" 2>/dev/null)
    echo "[$([ "$state" = active ] && echo ok || echo PROBLEM)] $unit: $state"
    [ "$state" = active ] || status=1
  done
else
  echo "[info] systemd is not running here: no unit states to report"
fi
exit $status
