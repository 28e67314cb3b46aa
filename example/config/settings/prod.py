from opsbase.conf import build_settings

from .base import BASE_DIR, MODULE_APPS, ROOT_URLCONF, WSGI_APPLICATION

globals().update(build_settings(BASE_DIR, "prod", extra_apps=MODULE_APPS))
globals().update(ROOT_URLCONF=ROOT_URLCONF, WSGI_APPLICATION=WSGI_APPLICATION)
