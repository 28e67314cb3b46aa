"""Reminders: tell each record's owner that something about it is due (Celery beat).

A module declares what falls due, once::

    FOLLOW_UPS_DUE = DueReminders(
        model=Lead, date_field="follow_up", event="leads.follow_up_due",
        title=lambda lead: _("Follow up today: %(lead)s") % {"lead": lead},
        pending={"stage__kind": StageKind.OPEN},
    )

and its beat task calls ``FOLLOW_UPS_DUE.notify()`` each morning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

__all__ = ["DueReminders", "due_notify"]


@dataclass(frozen=True)
class DueReminders:
    """The records of every tenant whose *date_field* is the day, still *pending*, each
    notified to its *owner* as *event*."""

    model: type[models.Model]
    date_field: str
    event: str
    title: Callable[[Any], str]
    owner: str = "owner"
    #: Lookups of the records still worth a reminder (an open stage, not merged...).
    pending: Mapping[str, Any] = field(default_factory=dict)

    def notify(self, *, day: date | None = None) -> int:
        """Tell the owners of the records due on *day* (today); how many were told."""
        manager: Any = self.model._default_manager
        due = manager.unscoped().filter(
            **{self.date_field: day or timezone.localdate()}, **self.pending
        )
        return due_notify(records=due, owner=self.owner, event=self.event, title=self.title)


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
