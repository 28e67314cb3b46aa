"""Background jobs of leads: the nightly rescoring (inactivity decay), the follow-ups due."""

from __future__ import annotations

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals

from .declarations import SCORING
from .services import leads_follow_ups_due_notify


@shared_task(name="opsbase.leads.rescore")
def leads_rescore() -> int:
    """Recompute every open lead's score; how many changed."""
    return SCORING.rescore_all()


@shared_task(name="opsbase.leads.follow_ups_due")
def leads_follow_ups_due() -> int:
    """Tell the owners of the leads whose follow-up is today (each morning)."""
    return leads_follow_ups_due_notify()
