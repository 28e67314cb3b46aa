"""Writes that hold under concurrency: one lock order, fresh rows, a busy SQLite retried.

Every write of a record (the kit's service helpers, the workflow's transitions) takes its
locks in one order: the record's row first (:func:`row_lock`), then whatever else the write
touches, the audit chain head last (it is locked when the event is appended, at the end).
Two writers of one record queue on its row and never hold the chain head while they wait for
a row, so they cannot deadlock; and the row each reads under its lock is the one the previous
writer committed, so the "before" of its audit event is the previous event's "after".

SQLite has no row locks: a writer takes the whole database, and a transaction that read first
and writes later can be refused at once ("database is locked") when another one writes.
:func:`atomic_write` retries such a transaction briefly; what is still refused is answered
503 with ``Retry-After`` (:func:`is_database_busy`, used by the web error middleware for pages
and the API alike).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import OperationalError, transaction
from django.db.models import Model

from .exceptions import NotFound

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=Model)

# Seconds slept before each new attempt of a transaction SQLite refused (with some jitter,
# so that the writers that collided do not collide again).
BUSY_DELAYS = (0.02, 0.05, 0.1, 0.2, 0.4)
# An attempt that waited longer than this (SQLite's own busy timeout) is not tried again:
# the database is busy for real, and the caller is better told so (503) than kept waiting.
BUSY_PATIENCE = 1.0
# What the 503 answer's Retry-After says, in seconds.
BUSY_RETRY_AFTER = 1

_BUSY_MESSAGES = ("database is locked", "database table is locked")


def is_database_busy(exc: BaseException) -> bool:
    """True when *exc* is SQLite refusing a write because another one holds the database."""
    return isinstance(exc, OperationalError) and any(m in str(exc) for m in _BUSY_MESSAGES)


# True while a write opened by ``atomic_write`` runs: a write it calls is part of it.
_writing: ContextVar[bool] = ContextVar("opsbase_writing", default=False)


def atomic_write(func: Callable[P, R]) -> Callable[P, R]:
    """``transaction.atomic`` for a service's write.

    Called by another ``atomic_write`` (a module's service calling the kit's helpers) it is
    part of that write: no savepoint of its own, all or nothing with it. Called inside any
    other transaction it takes a savepoint, so a caller that catches its error keeps the
    rest of its transaction. Outermost on SQLite, the transaction is run again, a few times
    and briefly, when the database was busy; nothing of a refused attempt remains (its
    on-commit callbacks are dropped with it).
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        connection = transaction.get_connection()
        if connection.in_atomic_block and _writing.get():
            return func(*args, **kwargs)
        token = _writing.set(True)
        try:
            if connection.in_atomic_block or connection.vendor != "sqlite":
                with transaction.atomic():
                    return func(*args, **kwargs)
            return _retried(func, *args, **kwargs)
        finally:
            _writing.reset(token)

    return wrapper


def _retried(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    for delay in (*BUSY_DELAYS, None):
        started = time.monotonic()
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except OperationalError as exc:
            waited = time.monotonic() - started
            if delay is None or not is_database_busy(exc) or waited > BUSY_PATIENCE:
                raise
        time.sleep(delay * (1 + random.random()))  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def row_lock(model: type[M], *, pk: Any, tenant_id: int, using: str | None = None) -> M:
    """Row *pk* of *tenant_id*, read afresh and locked until the transaction ends.

    ``NotFound`` when it is gone (deleted meanwhile) or is another tenant's. Call it inside
    the write's transaction, before anything else is locked (see the module's lock order).
    """
    if isinstance(pk, str) and not pk.isdigit():
        raise NotFound()
    manager = model._base_manager.db_manager(using)
    rows = list(manager.select_for_update().filter(pk=pk, tenant_id=tenant_id).order_by()[:1])
    if not rows:
        raise NotFound()
    row = rows[0]
    # What the row held when locked: what its next save replaces, known without a query
    # (the cache's member-scoped versions of ``opsbase.kit.caching`` need the "before").
    row.__dict__[LOCKED_VALUES] = {
        f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields
    }
    return row


#: The attribute under which ``row_lock`` leaves the values the row held when it was locked.
LOCKED_VALUES = "_opsbase_locked_values"


def locked_relations_keep(source: Model, row: Model) -> None:
    """Give *row* (the same record as *source*, read afresh by ``row_lock``) the related rows
    *source* holds that are locked (``row_lock``: a work order, for its operation) and that
    *row* still points to: the freshest they can be, known without a query, and known to the
    cache as locked."""
    for field in type(row)._meta.concrete_fields:
        if not (field.many_to_one and field.is_cached(source)):  # type: ignore[attr-defined]
            continue
        related = field.get_cached_value(source)  # type: ignore[attr-defined]
        if related is None or getattr(row, field.attname) != related.pk:
            continue
        locked = related.__dict__.get(LOCKED_VALUES)
        if locked is not None and locked.get(type(related)._meta.pk.attname) == related.pk:
            field.set_cached_value(row, related)  # type: ignore[attr-defined]
