"""Background jobs of inventory: thin wrappers around services."""

from __future__ import annotations

import logging

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals
from opsbase.core.context import current_tenant_id

from .services import low_stock_email_send

logger = logging.getLogger(__name__)


@shared_task(name="opsbase.inventory.notify_low_stock")
def low_stock_notify(balance_id: int, site_url: str = "") -> dict:
    """E-mail an item's owner that its stock at a location is low. The tenant comes from the
    context the sender bound."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        logger.warning("Low-stock e-mail for balance %s sent without a tenant.", balance_id)
        return {"tenant_id": None, "sent_to": []}
    sent_to = low_stock_email_send(tenant_id=tenant_id, balance_id=balance_id, site_url=site_url)
    return {"tenant_id": tenant_id, "sent_to": sent_to}
