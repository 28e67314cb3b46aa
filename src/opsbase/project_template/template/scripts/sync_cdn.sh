#!/usr/bin/env bash
# Upload the static files to the CDN's bucket: `collectstatic` with the bucket storage of
# django-storages. Needs `pip install "django-storages[s3]"`, AWS_STORAGE_BUCKET_NAME (and the
# credentials or role), and settings whose STORAGES["staticfiles"] is the S3 backend when the
# bucket is set (docs/deployment.md shows the three lines).
#   scripts/sync_cdn.sh [collectstatic options, e.g. --clear]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
if [ -z "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  echo "sync_cdn.sh: AWS_STORAGE_BUCKET_NAME is not set: name the bucket that serves" \
       "the static files (see docs/deployment.md, 'Static files on a CDN')" >&2
  exit 2
fi
if ! "$PYTHON" -c "import storages" 2>/dev/null; then
  echo "sync_cdn.sh: django-storages is not installed: pip install 'django-storages[s3]'" >&2
  exit 2
fi
backend=$("$PYTHON" manage.py shell -c \
  "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])")
case "$backend" in
  storages.*) ;;
  *) echo "sync_cdn.sh: the static files storage is $backend, not a bucket: set" \
          "STORAGES['staticfiles'] to storages.backends.s3.S3Storage in the settings" >&2
     exit 2 ;;
esac
exec "$PYTHON" manage.py collectstatic --noinput "$@"
