"""Background jobs of marketing: an e-mail campaign sent batch after batch (throttled), each
batch queueing the next while the campaign is sending."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals

from .services import mailing_batch_send


@shared_task(name="opsbase.marketing.mailing_send")
def mailing_send(mailing_id: int, tenant_id: int) -> bool:
    """Send one batch; queue the next after ``OPSBASE_MARKETING_BATCH_INTERVAL`` seconds
    while recipients wait and the campaign is not paused."""
    more = mailing_batch_send(mailing_id=mailing_id, tenant_id=tenant_id)
    if more:
        interval = getattr(settings, "OPSBASE_MARKETING_BATCH_INTERVAL", 10)
        mailing_send.apply_async((mailing_id, tenant_id), countdown=interval)
    return more
