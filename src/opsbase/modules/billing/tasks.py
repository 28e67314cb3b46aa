"""Background jobs of billing: e-mailing an invoice, and each day the overdue invoices and
the customers' reminders (Celery beat, declared in ``apps.py``). Thin wrappers."""

from __future__ import annotations

import logging

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals
from opsbase.core.context import current_tenant_id

from .sending import invoice_email_send
from .services import invoice_reminders_send, invoices_overdue_flag

logger = logging.getLogger(__name__)


@shared_task(name="opsbase.billing.invoice_email")
def invoice_email(
    invoice_id: int, to: str, site_url: str = "", offset: int | None = None
) -> list[str]:
    """Render the invoice's PDF and e-mail it (the tenant comes from the sender's context)."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        logger.warning("Invoice e-mail for invoice %s sent without a tenant.", invoice_id)
        return []
    return invoice_email_send(
        tenant_id=tenant_id, invoice_id=invoice_id, to=to, site_url=site_url, offset=offset
    )


@shared_task(name="opsbase.billing.overdue")
def invoices_overdue() -> int:
    """Flag the open invoices past their due date and tell the billing team (once each)."""
    return invoices_overdue_flag()


@shared_task(name="opsbase.billing.reminders")
def invoice_reminders() -> int:
    """E-mail the reminders due today (each once per invoice and day offset)."""
    return invoice_reminders_send()
