"""Background jobs of tasks: thin wrappers around services."""

from __future__ import annotations

import logging

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals
from opsbase.core.context import current_tenant_id

from .services import task_assignment_email_send

logger = logging.getLogger(__name__)


@shared_task(name="opsbase.tasks.notify_assignee")
def task_assigned_notify(task_id: int, membership_id: int, site_url: str = "") -> dict:
    """E-mail a task's assignee. The tenant comes from the context the sender bound."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        # Tenant-owned rows cannot be read without a tenant: refuse rather than guess.
        logger.warning("Task assignment e-mail for task %s sent without a tenant.", task_id)
        return {"tenant_id": None, "sent_to": []}
    sent_to = task_assignment_email_send(
        tenant_id=tenant_id, task_id=task_id, membership_id=membership_id, site_url=site_url
    )
    return {"tenant_id": tenant_id, "sent_to": sent_to}
