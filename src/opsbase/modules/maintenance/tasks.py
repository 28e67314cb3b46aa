"""Background jobs of maintenance: the daily run that turns due plans into work orders."""

from __future__ import annotations

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals

from .services import maintenance_generate_due


@shared_task(name="opsbase.maintenance.generate_due")
def maintenance_generate() -> int:
    """Create the work orders of the plans due today (idempotent: again makes none)."""
    return maintenance_generate_due()
