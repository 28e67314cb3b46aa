"""ASGI entry point: `uvicorn config.asgi:application` or `daphne config.asgi:application`.

The settings follow DJANGO_ENV (from the environment, else from .env, else prod).
"""

import os

from config.settings.base import selected_environment
from opsbase.core.asgi import get_asgi_application

env = selected_environment("prod")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{env}")
application = get_asgi_application()
