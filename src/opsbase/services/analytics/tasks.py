"""The export job (Celery): a thin wrapper around ``events_export``."""

from __future__ import annotations

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals

from .backends import ExportFailed


@shared_task(
    name="opsbase.analytics.export",
    autoretry_for=(ExportFailed,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def analytics_export() -> int:
    """Send the waiting analytics events to the configured backends, in batches."""
    from .events import events_export

    return events_export()
