"""OpsBase's PostgreSQL backend: Django's, with each join's type comparison made once and
``timestamptz`` values parsed by psycopg's own loader, in Django's time zone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.postgresql import operations as django_operations
from django.db.models import ForeignKey

from opsbase.api.models import ApiToken

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]


def token_lookup_sql() -> str:
    query = (
        ApiToken.objects.unscoped()
        .select_related("membership__user", "membership__role", "membership__tenant")
        .filter(key_hash="x")
        .query
    )
    return query.get_compiler(connection=connection).as_sql()[0]


def test_the_settings_of_a_postgres_url_use_it():
    assert connection.settings_dict["ENGINE"] == "opsbase.core.db.postgresql"
    assert connection.vendor == "postgresql"


def test_joins_are_written_as_djangos_own_backend_writes_them(monkeypatch):
    ours = token_lookup_sql()
    monkeypatch.setattr(
        type(connection.ops),
        "prepare_join_on_clause",
        django_operations.DatabaseOperations.prepare_join_on_clause,
    )

    assert token_lookup_sql() == ours
    assert ours.count("JOIN") == 4
    assert "::" not in ours and "CAST" not in ours.upper()


def test_a_join_s_column_types_are_compared_once_per_pair_of_fields(monkeypatch):
    token_lookup_sql()
    calls: list[str] = []
    real = ForeignKey.db_type

    def db_type(field, conn):
        calls.append(field.name)
        return real(field, conn)

    monkeypatch.setattr(ForeignKey, "db_type", db_type)

    token_lookup_sql()
    token_lookup_sql()

    assert calls == []  # both compilations reused the first one's answers
    connection.ops._join_casts.clear()
    token_lookup_sql()
    assert calls  # found afresh: the foreign keys' types were asked for again


def test_a_join_between_columns_of_different_types_is_still_cast():
    from django.db import models

    ops = connection.ops
    bigint = models.BigIntegerField()
    text = models.CharField(max_length=20)
    text.set_attributes_from_name("code")
    bigint.set_attributes_from_name("number")

    _lhs, rhs = ops.prepare_join_on_clause("a", text, "b", bigint)
    _lhs, again = ops.prepare_join_on_clause("a", text, "b", bigint)

    assert type(rhs).__name__ == "Cast" and type(again).__name__ == "Cast"
    _lhs, same = ops.prepare_join_on_clause("a", bigint, "b", bigint)
    assert type(same).__name__ == "Col"


MOMENTS = [
    "2026-12-06 17:03:18.123456+00",
    "2026-03-29 01:59:59.999999+02",
    "1900-01-01 00:00:00-03:30",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2024-02-29 12:00:00.5+05:45",
]


def _django_loader():
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    return type("DjangoLoader", (BaseTzLoader,), {"timezone": connection.timezone})


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_moment_reads_as_djangos_own_loader_reads_it(moment):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [moment])
        (ours,) = cursor.fetchone()
        raw = cursor.cursor
        raw.adapters.register_loader("timestamptz", _django_loader())
        raw.execute("SELECT %s::timestamptz", [moment])
        (django,) = raw.fetchone()

    assert ours == django and ours.isoformat() == django.isoformat()
    assert ours.tzinfo is django.tzinfo is connection.timezone


def test_the_loader_is_the_connections_and_parses_with_psycopgs_fastest():
    import psycopg

    from opsbase.core.db.postgresql.base import TimestamptzLoader

    connection.ensure_connection()
    text = psycopg.pq.Format.TEXT
    oid = psycopg.postgres.types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, text)

    assert issubclass(loader, TimestamptzLoader) and loader.timezone is connection.timezone
    parser = loader(oid, connection.connection)._parse.__self__
    assert type(parser) is psycopg.adapters.get_loader(oid, text)  # the C one where installed


@pytest.mark.parametrize("zone", [None, "America/St_Johns"])
def test_a_loader_for_another_zone_gives_that_zone_or_a_naive_moment(zone):
    import datetime as dt
    import zoneinfo

    import psycopg

    from opsbase.core.db.postgresql.base import _loader_for

    connection.ensure_connection()
    tzinfo = zoneinfo.ZoneInfo(zone) if zone else None
    oid = psycopg.postgres.types["timestamptz"].oid
    moment = _loader_for(tzinfo)(oid, connection.connection).load(b"2026-12-06 17:03:18.25+00")

    assert moment.tzinfo is tzinfo  # the wall time kept, the zone replaced, as Django's does
    wall = dt.datetime(2026, 12, 6, 17, 3, 18, 250000, tzinfo=dt.UTC)
    assert moment.replace(tzinfo=dt.UTC) == wall
