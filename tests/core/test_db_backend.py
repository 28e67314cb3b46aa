"""OpsBase's PostgreSQL backend: Django's, with each join's type comparison made once."""

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
