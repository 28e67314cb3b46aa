"""A connection in steady use is reused without a health check; an idle one is checked."""

from __future__ import annotations

import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import OperationalError, connection

from opsbase.core import connections as health

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks(monkeypatch):
    """The default connection, health-checked and kept between requests as in production
    (whatever the test database's settings); the health checks it runs, counted."""
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    monkeypatch.setattr(connection, "close_at", None)  # never obsolete during the test
    monkeypatch.setattr(connection, health._USED_AT, None, raising=False)  # not used yet
    real = connection.is_usable
    counted: list[bool] = []

    def is_usable():
        counted.append(True)
        return real()

    monkeypatch.setattr(connection, "is_usable", is_usable)
    return counted


def request(sql: str = "SELECT 1") -> None:
    """One request's signals around one query, as Django's handler sends them."""
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        request_finished.send(sender=None)


def test_a_connection_used_a_moment_ago_is_not_checked_again(checks):
    request()
    first = len(checks)
    request()
    request()

    assert first == 1  # the first request found a connection nobody had vouched for
    assert len(checks) == 1


def test_a_connection_idle_for_longer_than_the_delay_is_checked(checks, settings):
    settings.OPSBASE_DB_HEALTH_CHECK_DELAY = 1
    request()
    setattr(connection, health._USED_AT, time.monotonic() - 1.5)

    request()

    assert len(checks) == 2


def test_a_delay_of_0_checks_before_every_request_as_django_does(checks, settings):
    settings.OPSBASE_DB_HEALTH_CHECK_DELAY = 0
    for _ in range(3):
        request()

    assert len(checks) == 3


def test_a_connection_that_had_an_error_is_checked(checks):
    request()
    connection.errors_occurred = True  # as after a failed query

    request()

    assert len(checks) == 2


def _terminate_backend() -> None:
    """End the default connection's session from another one, as a server restart does."""
    import psycopg

    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    for option in ("cursor_factory", "server_side_binding", "prepare_threshold", "context"):
        params.pop(option, None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends a PostgreSQL session")
def test_a_connection_broken_while_idle_is_replaced_before_the_request_uses_it(checks):
    request()
    setattr(connection, health._USED_AT, time.monotonic() - 5)
    _terminate_backend()

    request("SELECT 2")  # no error: the health check found the session gone and reconnected

    assert len(checks) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends a PostgreSQL session")
def test_a_connection_broken_within_the_delay_fails_one_request_and_is_then_replaced(checks):
    request()
    _terminate_backend()

    with pytest.raises(OperationalError):
        request()  # the risk the delay takes: this request's first query fails

    request()  # Django closed the broken connection when the failed request ended
