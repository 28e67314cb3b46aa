"""Gapless numbers per organization: the next value of a counter row, under its lock.

A module keeps a counter model (a ``TenantOwnedModel`` with its key fields, an integer
``last`` and a unique constraint on the tenant and the key) and asks, inside the write that
numbers a record::

    seq = sequence_next(WorkOrderCounter, tenant_id=membership.tenant_id, year=2026)

The row stays locked until the commit, so writers numbering at once queue on it, and a
rolled-back write gives its number back: no gap, no duplicate. The first numbers of a key race
to create its row; an upsert makes the losers wait for the winner's row and then lock it in
turn (a plain insert that ignores the conflict leaves them holding shared locks on MariaDB,
and the locking read that follows deadlocks).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.utils import timezone

from opsbase.core.rls import rls_row_scope


def sequence_next(model: type[models.Model], *, tenant_id: int, **key: Any) -> int:
    """Add one to the counter of *model* for *key* in the tenant and answer it (1 first)."""
    manager: Any = model._default_manager
    with rls_row_scope(tenant_id):
        rows = manager.for_tenant(tenant_id).filter(**key)
        counter = rows.select_for_update().first()
        if counter is None:
            unique = ["tenant", *key]
            manager.for_tenant(tenant_id).bulk_create(
                [model(tenant_id=tenant_id, **key)],
                update_conflicts=True,
                unique_fields=unique
                if connection.features.supports_update_conflicts_with_target
                else None,
                update_fields=["updated_at"],  # the upsert only takes the row's lock
            )
            counter = rows.select_for_update().get()
        last: int = counter.last + 1
        # An update, not a save: no signal, so no cached list is renewed for a row no list
        # shows (the record it numbers renews them; a technician's own list outlives both).
        rows.filter(pk=counter.pk).update(last=last, updated_at=timezone.now())
    return last
