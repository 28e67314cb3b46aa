#!/usr/bin/env bash
# Upload the collected static files and the uploads to the bucket the CDN serves (S3,
# Cloudflare R2 or any S3-compatible store): `collectstatic`, then `manage.py sync_cdn`, which
# sends only the files new or changed since the last run, content-hashed, with Cache-Control.
# The bucket comes from AWS_STORAGE_BUCKET_NAME (in .env.prod or the environment); see
# OpsBase's docs/cdn_config.md.
#   scripts/sync_cdn.sh [--dry-run] [--only static|media]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
collect=1
for arg in "$@"; do
  case "$arg" in
    --dry-run) collect=0 ;;
    --only|static|media|--only=static|--only=media|-v|--verbosity|[0-3]) ;;
    *) echo "sync_cdn.sh: unknown option $arg (use --dry-run, --only static|media)" >&2; exit 2 ;;
  esac
done
if [ "$collect" = 1 ]; then "$PYTHON" manage.py collectstatic --noinput --verbosity 0; fi
exec "$PYTHON" manage.py sync_cdn "$@"
