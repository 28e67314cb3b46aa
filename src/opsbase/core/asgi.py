"""The ASGI application of an OpsBase project (``config/asgi.py``): Django's, with what a worker
loaded kept out of the garbage collector's passes, as ``opsbase.core.wsgi`` does for WSGI."""

from __future__ import annotations

from django.core.asgi import get_asgi_application as django_asgi_application
from django.core.handlers.asgi import ASGIHandler

from .wsgi import settle_worker


def get_asgi_application() -> ASGIHandler:
    """Django's ASGI application (``django.setup()`` included), settled (``settle_worker``)."""
    application = django_asgi_application()
    settle_worker()
    return application
