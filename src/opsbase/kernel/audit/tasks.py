"""Background jobs of the audit log: the periodic checkpoint (Celery beat, see
``CELERY_BEAT_SCHEDULE`` in ``opsbase.conf.settings``)."""

from __future__ import annotations

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals

from .services import audit_checkpoint


@shared_task(name="opsbase.audit.checkpoint")
def audit_checkpoint_task() -> dict:
    """Checkpoint every chain that moved since its last checkpoint."""
    run = audit_checkpoint()
    return {
        "chains": [c.chain for c in run.checkpoints],
        "event_seq": run.event.seq if run.event is not None else None,
        "behind": run.behind,
    }
