"""Reminders: tell each record's owner that something about it is due (Celery beat)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

__all__ = ["due_notify"]


def due_notify(
    *, records: QuerySet[Any], owner: str, event: str, title: Callable[[Any], str]
) -> int:
    """Notify (``kit.notifications``, the member's preferences deciding) the active *owner*
    of each of *records* (any tenant's: read past row-level security), in its tenant; how
    many were told."""
    from opsbase.core.context import tenant_context
    from opsbase.core.rls import rls_bypass

    from .notifications import notify

    with rls_bypass():
        due = list(records.filter(**{f"{owner}__is_active": True}).select_related(owner))
    told = 0
    for obj in due:
        with tenant_context(obj.tenant_id):
            notification = notify(
                recipient=getattr(obj, owner),
                event=event,
                title=title(obj),
                url=obj.get_absolute_url(),
            )
        told += notification is not None
    return told
