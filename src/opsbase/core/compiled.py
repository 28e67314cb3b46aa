"""Queries whose shape repeats, compiled once: ``compiled(model, shape, build, placeholders)``.

A request's hottest queries have one shape and new values each time: the API token lookup
(a five-table join by the token's hash), a page's rows by their keys. Django builds and
compiles the queryset afresh every time, which cost more than PostgreSQL took to answer it
(the token lookup: about 1 ms of Python for 0.14 ms in the database, measured under load).

Here the queryset is built once from *placeholders* (values of the right types that a query
would not hold as constants: negative keys, a string no hash equals), compiled by Django, and
its SQL kept with where each placeholder went among the parameters. Later calls send that SQL
with their own values, and read the rows as the queryset would have: dictionaries for a
``values()`` queryset, model instances (their ``select_related`` objects joined) otherwise, each
column through Django's converters. What is cached is Django's own SQL, per connection (a
thread's): nothing is written by hand, and row-level security applies as to the queryset
(``TenantQuerySet``: a deliberate cross-tenant queryset runs under ``rls_bypass``).

A placeholder that Django changed on its way into the parameters (``__contains`` wraps it in
``%``) cannot be replaced: ``compiled`` refuses the shape at its first use (``ValueError``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models.query import get_related_populators

__all__ = ["CompiledQuery", "compiled"]

#: Shapes kept per connection; past this, all but the newest half are forgotten (a shape's
#: key is bounded by its caller: a page's number of keys, not the keys).
MAX_SHAPES = 512
_ATTRIBUTE = "_opsbase_compiled_queries"


class CompiledQuery:
    """One queryset shape, compiled on one connection (see the module docstring)."""

    def __init__(self, queryset: models.QuerySet[Any], placeholders: Sequence[Any]) -> None:
        query = queryset.query
        self.alias = queryset.db
        self.compiler = query.get_compiler(using=self.alias)
        sql, params = self.compiler.as_sql()
        slots: list[tuple[int, Any]] = []  # (placeholder index or -1, constant)
        found: set[int] = set()
        for param in params:
            index = _index_of(param, placeholders)
            if index is None:
                slots.append((-1, param))
            else:
                slots.append((index, None))
                found.add(index)
        missing = [placeholders[i] for i in range(len(placeholders)) if i not in found]
        if missing:
            raise ValueError(
                f"compiled(): the placeholders {missing!r} are not among the query's parameters "
                "as given (a lookup changed them): this shape cannot be compiled once."
            )
        self.sql = sql
        self.slots = slots
        # What results_iter() works out on every call, once: each column's converters.
        fields = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        composite = getattr(self.compiler, "has_composite_fields", lambda fields: False)
        self.converters = None if composite(fields) else self.compiler.get_converters(fields)
        self.unscoped = bool(getattr(queryset, "_unscoped", False))
        iterable = queryset._iterable_class
        if iterable not in (models.query.ModelIterable, models.query.ValuesIterable):
            raise ValueError("compiled(): a model or values() queryset, not values_list().")
        if queryset._prefetch_related_lookups or (  # type: ignore[attr-defined]
            iterable is models.query.ModelIterable and query.annotation_select
        ):
            # What ModelIterable adds to the rows (annotations on instances, prefetched
            # relations) is not read back here: refused rather than silently left out.
            raise ValueError("compiled(): a model queryset without annotations or prefetching.")
        self.values_query = iterable is models.query.ValuesIterable
        if self.values_query:
            selected = getattr(query, "selected", None)
            self.names = (
                list(selected)
                if selected is not None
                else [*query.extra_select, *query.values_select, *query.annotation_select]
            )
        else:
            klass_info = self.compiler.klass_info
            fields = klass_info["select_fields"]
            self.model = klass_info["model"]
            self.model_slice = slice(fields[0], fields[-1] + 1)
            select = self.compiler.select
            self.init_list = [column[0].target.attname for column in select[self.model_slice]]
            # Django < 6.0 (as pyproject pins it); 6.0 adds a fetch mode to this call.
            self.populators = get_related_populators(klass_info, select, self.alias)  # type: ignore[call-arg]

    def params(self, values: Sequence[Any]) -> list[Any]:
        return [values[index] if index >= 0 else constant for index, constant in self.slots]

    def _rows(self, values: Sequence[Any]) -> Iterator[Any]:
        if self.unscoped:
            from .rls import rls_bypass

            guard: contextlib.AbstractContextManager[Any] = rls_bypass()
        else:
            guard = contextlib.nullcontext()
        with guard, connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params(values))
            fetched = cursor.fetchall()
        if self.converters is None:  # composite keys (Django 5.2): Django's own reading
            return self.compiler.results_iter(results=[fetched])
        if not self.converters:
            return iter(fetched)
        return self.compiler.apply_converters(fetched, self.converters)

    def values(self, values: Sequence[Any]) -> list[dict[str, Any]]:
        """The rows of a ``values()`` shape for *values*, as dictionaries."""
        names = self.names
        return [dict(zip(names, row, strict=False)) for row in self._rows(values)]

    def objects(self, values: Sequence[Any]) -> list[Any]:
        """The model instances of a model shape for *values*, related objects joined."""
        found = []
        for row in self._rows(values):
            obj = self.model.from_db(self.alias, self.init_list, row[self.model_slice])
            for populator in self.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found


def _index_of(param: Any, placeholders: Sequence[Any]) -> int | None:
    for index, placeholder in enumerate(placeholders):
        if type(param) is type(placeholder) and param == placeholder:
            return index
    return None


def compiled(
    model: type[models.Model],
    shape: Hashable,
    build: Callable[..., models.QuerySet[Any]],
    placeholders: Sequence[Any],
) -> CompiledQuery:
    """The query ``build(*placeholders)`` compiled once on the connection *model* is read
    from; *shape* names it (everything the SQL depends on besides the values)."""
    connection = connections[router.db_for_read(model)]
    cache: dict[Hashable, CompiledQuery] = connection.__dict__.setdefault(_ATTRIBUTE, {})
    found = cache.get(shape)
    if found is None:
        if len(cache) >= MAX_SHAPES:
            for key in list(cache)[: len(cache) - MAX_SHAPES // 2]:
                del cache[key]
        found = cache[shape] = CompiledQuery(build(*placeholders), placeholders)
    return found
