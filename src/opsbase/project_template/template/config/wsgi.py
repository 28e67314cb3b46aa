"""WSGI entry point for gunicorn: `gunicorn config.wsgi`.

The settings follow DJANGO_ENV (from the environment, else from .env, else prod).
"""

import os

from config.settings.base import selected_environment
from opsbase.core.wsgi import get_wsgi_application

env = selected_environment("prod")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{env}")
application = get_wsgi_application()
