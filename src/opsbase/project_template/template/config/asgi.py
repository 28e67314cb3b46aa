"""ASGI entry point: `uvicorn config.asgi:application` or `daphne config.asgi:application`.

The settings follow DJANGO_ENV (from the environment, else from .env, else prod).
"""

import os

from django.core.asgi import get_asgi_application

from config.settings.base import selected_environment

env = selected_environment("prod")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{env}")
application = get_asgi_application()
