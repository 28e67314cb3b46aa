"""Health checks of persistent database connections, skipped while a connection is in use.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request
that reuses a connection: a round trip, and a statement for the database, on every request a
busy worker answers, although its connection answered the previous request milliseconds
before (8% of the computed task list API's time in Python, sampled under load). Like
pgbouncer's ``server_check_delay``, a connection whose last request ended less than
``DATABASE_HEALTH_CHECK_DELAY`` seconds ago (1 by default) is reused unchecked; one idle for
longer (which a restarted server or a dropped network leaves broken) is checked as before.
``0`` checks before every request, as Django does.

What the delay risks: a connection broken within that second fails its request's first query
instead of being replaced, and Django closes it when that request ends (as it closes every
connection on which an error occurred), so the next request connects afresh.
"""

from __future__ import annotations

import functools
import time
from typing import Any

from django.conf import settings
from django.db import connections

__all__ = ["connect_health_check_delay", "install_health_check_delay", "mark_used"]

_USED_AT = "_opsbase_used_at"


def _delay() -> float:
    return float(getattr(settings, "OPSBASE_DB_HEALTH_CHECK_DELAY", 1))


def _alive(connection: Any) -> bool:
    """Whether the driver still holds *connection*'s session open, as far as it knows without
    asking the server (psycopg's ``closed`` and ``broken``; other drivers: open at all)."""
    raw = connection.connection
    return (
        raw is not None and not getattr(raw, "closed", False) and not getattr(raw, "broken", False)
    )


def mark_used(**_kwargs: Any) -> None:
    """At a request's end: when each open connection was last used."""
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            setattr(connection, _USED_AT, now)


def _check_unless_recently_used(connection: Any) -> None:
    """*connection*'s ``close_if_health_check_failed``: skipped (the connection counts as
    checked for this request) when its last request ended less than the delay ago."""
    if (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.errors_occurred
    ):
        used_at = getattr(connection, _USED_AT, None)
        if used_at is not None and time.monotonic() - used_at < _delay() and _alive(connection):
            connection.health_check_done = True
    type(connection).close_if_health_check_failed(connection)


def install_health_check_delay(*, connection: Any, **_kwargs: Any) -> None:
    """``connection_created`` receiver: *connection*'s health check goes through
    ``_check_unless_recently_used``. Set on the connection object, which Django keeps per
    alias and thread across reconnections, so once."""
    if "close_if_health_check_failed" not in vars(connection):
        connection.close_if_health_check_failed = functools.partial(
            _check_unless_recently_used, connection
        )


def connect_health_check_delay() -> None:
    """Hook on new connections and on every request's end (in whatever order Django's own
    receivers run: the test client disconnects and reconnects them)."""
    from django.core.signals import request_finished
    from django.db.backends.signals import connection_created

    connection_created.connect(install_health_check_delay, dispatch_uid="opsbase_db_check_delay")
    request_finished.connect(mark_used, dispatch_uid="opsbase_db_used")
