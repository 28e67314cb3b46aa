from opsbase.conf import build_settings

from .base import BASE_DIR, ROOT_URLCONF, WSGI_APPLICATION

globals().update(build_settings(BASE_DIR, "test"))
globals().update(ROOT_URLCONF=ROOT_URLCONF, WSGI_APPLICATION=WSGI_APPLICATION)
