"""Background jobs of leads: the nightly rescoring (inactivity decay)."""

from __future__ import annotations

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals

from .services import leads_rescore_all


@shared_task(name="opsbase.leads.rescore")
def leads_rescore() -> int:
    """Recompute every open lead's score; how many changed."""
    return leads_rescore_all()
