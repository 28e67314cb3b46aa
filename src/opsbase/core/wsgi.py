"""The WSGI application of an OpsBase project (``config/wsgi.py``): Django's, with what a
worker loads once kept out of the garbage collector's passes.

A gunicorn (or uWSGI) worker imports its application once, then answers thousands of
requests with the code, settings, URL patterns, templates and translations it loaded: a few
hundred thousand objects that live as long as the worker. Python's cyclic garbage collector
walks every one of them on each of its full passes, although none will ever be garbage.
``gc.freeze()`` moves them to a permanent generation that the passes skip; Python's
documentation suggests it for servers that fork their workers, where it also spares the
copy-on-write of the pages a pass would touch. A frozen object is still freed when its last
reference goes; only a reference cycle among frozen objects would stay, so a collection runs
first and only what is alive is frozen.

It freezes twice: once the application is loaded, and after the worker's first request,
which loads what Django builds lazily (the URL resolver, the templates, the translations).
``OPSBASE_GC_FREEZE=false`` turns both off. ``opsbase.core.asgi`` does the same for an ASGI
server (uvicorn, daphne).
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application as django_wsgi_application

_lock = threading.Lock()
_FIRST_REQUEST = "opsbase.core.wsgi.freeze"


def freeze_loaded() -> None:
    """Collect what is garbage, then freeze what is alive."""
    with _lock:
        gc.collect()
        gc.freeze()


def _after_first_request(sender: Any, **kwargs: Any) -> None:
    request_finished.disconnect(dispatch_uid=_FIRST_REQUEST)
    freeze_loaded()


def settle_worker() -> None:
    """Once the application is loaded (Django set up): freeze what the worker loaded, and
    again after its first request, unless ``OPSBASE_GC_FREEZE`` is false."""
    from opsbase.conf import setting

    if setting("GC_FREEZE"):
        freeze_loaded()
        request_finished.connect(_after_first_request, dispatch_uid=_FIRST_REQUEST)


def get_wsgi_application() -> WSGIHandler:
    """Django's WSGI application (``django.setup()`` included), settled (``settle_worker``)."""
    application = django_wsgi_application()
    settle_worker()
    return application
