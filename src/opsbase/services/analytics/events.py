"""Recording events and exporting them (the writes of the analytics service)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from opsbase.conf import setting
from opsbase.core.rls import rls_bypass

from .backends import ExportedEvent, configured_backends
from .models import Event

logger = logging.getLogger(__name__)

#: ``noun.verb`` in lower case: ``invoice.paid``, ``lead.won``, ``task.completed``.
EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MASK = "***"
_QUEUED_KEY = "opsbase:analytics:export-queued"
_PENDING_MARK = "opsbase_analytics_export"


def _masked(properties: Mapping[str, Any]) -> dict[str, Any]:
    """*properties* with the value of every secret-looking key masked (the audit's list:
    ``OPSBASE_AUDIT_MASKED_FIELDS``), at any depth."""
    needles = [str(n).lower() for n in setting("AUDIT_MASKED_FIELDS")]

    def clean(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                str(k): MASK if any(n in str(k).lower() for n in needles) else clean(v)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return clean(properties)


def event_record(
    *,
    membership: Any,
    name: str,
    properties: Mapping[str, Any] | None = None,
    tenant: Any = None,
    when: datetime | None = None,
) -> Event:
    """Insert the event in the current transaction and have it exported after the commit."""
    if not EVENT_NAME.match(name or ""):
        raise ValidationError(
            {"name": f"An event name is 'noun.verb' in lower case (got {name!r})."}
        )
    if membership is None and tenant is None:
        raise ValidationError({"tenant": "An event belongs to a tenant: give a membership."})
    tenant_id = getattr(tenant, "pk", tenant) if membership is None else membership.tenant_id
    props = _masked(dict(properties or {}))
    DjangoJSONEncoder().encode(props)  # refuse what would not serialize, here, not at export
    event = Event(
        tenant_id=tenant_id,
        name=name,
        actor_id=getattr(membership, "user_id", None),
        occurred_at=when or timezone.now(),
        properties=props,
    )
    event.save()
    _export_after_commit()
    return event


def _export_after_commit() -> None:
    """Queue one export job when the transaction commits (once per transaction)."""
    if not setting("ANALYTICS_BACKENDS"):
        return  # nothing to send to: the events stay in the table
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(
        getattr(entry[1], _PENDING_MARK, False) for entry in conn.run_on_commit
    ):
        return

    def queue() -> None:
        export_queue()

    setattr(queue, _PENDING_MARK, True)
    transaction.on_commit(queue)


def export_queue() -> None:
    """Send the export job, in ``OPSBASE_ANALYTICS_EXPORT_DELAY`` seconds; while one waits,
    events committed meanwhile go with it (one job, one batch, instead of one per event)."""
    from .tasks import analytics_export

    delay = int(setting("ANALYTICS_EXPORT_DELAY") or 0)
    try:
        if delay and not cache.add(_QUEUED_KEY, 1, timeout=delay + 60):
            return
    except Exception:
        logger.warning("cache unavailable, exporting without coalescing", exc_info=True)
    try:
        analytics_export.apply_async(countdown=delay or None)
    except Exception:
        # The broker is down: the periodic sweep sends these events later.
        logger.exception("Could not queue the analytics export; the sweep will send the events.")


def _exported(row: Mapping[str, Any]) -> ExportedEvent:
    return ExportedEvent(
        uuid=str(row["uuid"]),
        name=row["name"],
        tenant_id=row["tenant_id"],
        actor_id=row["actor_id"],
        occurred_at=row["occurred_at"],
        properties=row["properties"] or {},
    )


def events_export(*, batch_size: int | None = None, max_batches: int = 100) -> int:
    """Send the waiting events to every configured backend, oldest first, one batch per call
    of each backend; how many were sent. A batch is marked exported only when every backend
    took it: a failure raises and the batch waits for the next run (backends dedupe by the
    event's uuid). Concurrent runs never take the same rows (``SKIP LOCKED``)."""
    try:
        cache.delete(_QUEUED_KEY)  # events committed from now on queue a job of their own
    except Exception:
        logger.warning("cache unavailable", exc_info=True)
    backends = configured_backends()
    if not backends:
        return 0
    size = batch_size or int(setting("ANALYTICS_EXPORT_BATCH"))
    sent = 0
    with rls_bypass():
        for _ in range(max_batches):
            with transaction.atomic():
                waiting = Event.objects.unscoped().filter(exported_at__isnull=True).order_by("pk")
                if connection.features.has_select_for_update_skip_locked:
                    waiting = waiting.select_for_update(skip_locked=True)
                rows = list(
                    waiting.values(
                        "pk", "uuid", "name", "tenant_id", "actor_id", "occurred_at", "properties"
                    )[:size]
                )
                if not rows:
                    break
                batch = [_exported(row) for row in rows]
                for backend in backends:
                    backend.send(batch)
                Event.objects.unscoped().filter(pk__in=[row["pk"] for row in rows]).update(
                    exported_at=timezone.now()
                )
            sent += len(rows)
            if len(rows) < size:
                break
    return sent
