"""Django's PostgreSQL backend (``ENGINE = "opsbase.core.db.postgresql"``), with each join's
type comparison worked out once per pair of fields.

Django 5 compares the database types of a join's two columns every time it writes the join
(``prepare_join_on_clause``), to cast one side where they differ. The type of a foreign key to
a ``BigAutoField`` is found by building a new ``BigIntegerField`` each time, so every join of
every query built a throwaway field: 18% of the time of the API token lookup (a five-table
join), measured under load on the benchmark. The answer depends on the two fields alone, so
it is kept per pair on the connection's operations. Everything else is Django's backend.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.postgresql import base, operations
from django.db.models.functions import Cast

__all__ = ["DatabaseOperations", "DatabaseWrapper"]


class DatabaseOperations(operations.DatabaseOperations):
    def __init__(self, connection: Any) -> None:
        super().__init__(connection)
        self._join_casts: dict[tuple[Any, Any], bool] = {}

    def prepare_join_on_clause(self, lhs_table, lhs_field, rhs_table, rhs_field):
        lhs, rhs = BaseDatabaseOperations.prepare_join_on_clause(
            self, lhs_table, lhs_field, rhs_table, rhs_field
        )
        key = (lhs_field, rhs_field)
        cast = self._join_casts.get(key)
        if cast is None:
            cast = lhs_field.db_type(self.connection) != rhs_field.db_type(self.connection)
            self._join_casts[key] = cast
        if cast:
            rhs = Cast(rhs, lhs_field)
        return lhs, rhs


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
