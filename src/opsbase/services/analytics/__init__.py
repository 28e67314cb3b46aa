"""Analytics: one call records a business event; export backends chosen in settings get it.

A service (never a view) records what happened, inside its own transaction::

    from opsbase.services.analytics import track

    track(membership, "invoice.paid", {"invoice": invoice.pk, "amount": invoice.total})

The event (who, what, when, properties, tenant) is a row of ``analytics_events.Event``: it
is kept only if the write commits. After the commit a Celery job sends the waiting events,
in batches, to every backend of ``OPSBASE_ANALYTICS_BACKENDS`` (PostHog, the log, or one of
the project's own: ``opsbase.services.analytics.backends.AnalyticsBackend``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from .models import Event


def track(
    membership: Any,
    name: str,
    properties: dict[str, Any] | None = None,
    *,
    tenant: Any = None,
    when: datetime | None = None,
) -> Event:
    """Record the event *name* done by *membership* (None with ``tenant=``: a system event),
    in the caller's transaction; exported after the commit."""
    from .events import event_record

    return event_record(
        membership=membership, name=name, properties=properties, tenant=tenant, when=when
    )


__all__ = ["track"]
