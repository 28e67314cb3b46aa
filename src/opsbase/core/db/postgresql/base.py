"""Django's PostgreSQL backend (``ENGINE = "opsbase.core.db.postgresql"``), with each join's
type comparison worked out once per pair of fields.

Two things are done once instead of on every use.

Django 5 compares the database types of a join's two columns every time it writes the join
(``prepare_join_on_clause``), to cast one side where they differ. The type of a foreign key to
a ``BigAutoField`` is found by building a new ``BigIntegerField`` each time, so every join of
every query built a throwaway field: 18% of the time of the API token lookup (a five-table
join), measured under load on the benchmark. The answer depends on the two fields alone, so
it is kept per pair on the connection's operations.

Django reads every ``timestamptz`` value through a loader of its own (to give it the time zone
of the connection's settings), a subclass of psycopg's pure-Python loader: each value was
parsed by a regular expression, 111 of them for a page of 50 tasks (about 6% of the task list
API's time). The loader here hands the parsing to psycopg's own loader, its C implementation
where installed (``psycopg[binary]``), and sets Django's time zone on the result as Django's
does. Everything else is Django's backend.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.postgresql import base, operations
from django.db.models.functions import Cast
from psycopg.types.datetime import TimestamptzLoader as PythonTimestamptzLoader

__all__ = ["DatabaseOperations", "DatabaseWrapper", "TimestamptzLoader"]


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


class TimestamptzLoader(psycopg.adapt.Loader):
    """A ``timestamptz`` in Django's time zone (``timezone``: None for a naive value, as
    Django's ``BaseTzLoader``), parsed by psycopg's fastest loader of the type."""

    timezone: Any = None  # Django's cursors compare it with the connection's time zone

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        parser = psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
        self._parse = (parser or PythonTimestamptzLoader)(oid, context).load

    def load(self, data: Any) -> Any:
        return self._parse(data).replace(tzinfo=self.timezone)


def _loader_for(timezone: Any) -> type[TimestamptzLoader]:
    return type("TimestamptzLoader", (TimestamptzLoader,), {"timezone": timezone})


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        loader = _LOADERS.get(self.timezone)
        if loader is None:
            loader = _LOADERS[self.timezone] = _loader_for(self.timezone)
        connection.adapters.register_loader("timestamptz", loader)
        return connection


_LOADERS: dict[Any, type[TimestamptzLoader]] = {}
