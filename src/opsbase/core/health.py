"""Health checks: is the process up (live), and can it serve (ready: database, cache, broker)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)


def check_database() -> None:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def check_cache() -> None:
    key = f"opsbase:health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    if value != "ok":
        raise RuntimeError("the cache did not return the value just written")


def check_broker() -> None:
    from kombu import Connection

    # build_settings() sets it dynamically, where the django-stubs plugin cannot see it.
    broker = settings.CELERY_BROKER_URL  # type: ignore[misc]
    with Connection(broker, connect_timeout=2) as connection:
        connection.ensure_connection(max_retries=1)


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": check_database, "cache": check_cache}
    if getattr(settings, "CELERY_BROKER_URL", None):
        checks["broker"] = check_broker
    return checks


def run_checks() -> tuple[bool, dict[str, dict]]:
    """Run every readiness check; the result names each part and why it failed."""
    results: dict[str, dict] = {}
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check failed", extra={"check": name, "error": str(exc)})
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results
