#!/usr/bin/env bash
# Is everything up? The health endpoints at the public URL (and through the local nginx),
# and, where systemd runs, the state of each unit. Exit status 1 when anything is wrong,
# so cron or a monitor can alert on it.
#   scripts/monitor_services.sh [PUBLIC_URL]     (default: $PUBLIC_URL, else {{ local_url }})
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
url="${1:-${PUBLIC_URL:-{{ local_url }}}}"
url="${url%/}"
status=0
for path in /health/live /health/ready; do
  "$PYTHON" -m opsbase.serve.urlcheck "$url$path" || status=1
done
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
