"""What operators watch: one log line per request (time, queries), slow queries, metrics.

* ``RequestLogMiddleware`` logs ``opsbase.request`` once per request with the method, path,
  status, duration and the number and total time of database queries (the JSON formatter
  adds the request id and tenant).
* Every statement is timed by a connection wrapper; one slower than
  ``OPSBASE_SLOW_QUERY_MS`` goes to the ``opsbase.db`` logger (``logs/db.log``), without its
  parameter values (they may hold personal data or secrets).
* ``metrics`` serves Prometheus' text format (django-prometheus' collectors) to a caller with
  the ``OPSBASE_METRICS_TOKEN`` bearer token or to staff; anyone else gets 404.
"""

from __future__ import annotations

import hmac
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .context import current_client

request_logger = logging.getLogger("opsbase.request")
db_logger = logging.getLogger("opsbase.db")

# Per request: [number of statements, seconds spent in them].
_db_stats: ContextVar[list | None] = ContextVar("opsbase_db_stats", default=None)


def observe_execute(execute, sql, params, many, context):
    """``execute_wrapper``: counts and times statements; logs the slow ones."""
    from opsbase.conf import setting

    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = time.perf_counter() - start
        stats = _db_stats.get()
        if stats is not None:
            stats[0] += 1
            stats[1] += elapsed
        threshold = setting("SLOW_QUERY_MS")
        if threshold and elapsed * 1000 >= threshold:
            db_logger.warning(
                "slow query",
                extra={
                    "duration_ms": round(elapsed * 1000, 1),
                    "sql": str(sql)[:4000],
                    "database": context["connection"].alias,
                    "many": many,
                },
            )


def install_slow_query_logger(sender=None, connection=None, **kwargs) -> None:
    """``connection_created`` receiver: the timing wrapper goes outermost, so it sees (and
    logs) the statement as the caller wrote it."""
    if connection is not None and observe_execute not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, observe_execute)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stats = [0, 0.0]
        token = _db_stats.set(stats)
        start = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            duration = time.perf_counter() - start
            _db_stats.reset(token)
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "client_ip": current_client().get("ip"),
                    "status": status,
                    "duration_ms": round(duration * 1000, 1),
                    "db_queries": stats[0],
                    "db_time_ms": round(stats[1] * 1000, 1),
                },
            )


def _metrics_allowed(request) -> bool:
    from opsbase.conf import setting

    token = setting("METRICS_TOKEN") or ""
    deployed = getattr(settings, "OPSBASE_ENVIRONMENT", "dev") in ("prod", "staging")
    if deployed and not token:
        return False
    if token:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, sent = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(sent.strip(), token):
            return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics, or 404 for whoever may not see them (existence is not told)."""
    if not _metrics_allowed(request):
        raise Http404
    import os

    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: add up what each process wrote.
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
