"""Background jobs of the kit: notification e-mails and the daily digest (thin wrappers)."""

from __future__ import annotations

from celery import shared_task

import opsbase.core.celery  # noqa: F401 - the configured app, and the tenant context signals

from .notifications.services import notification_digest_send, notification_email_send


@shared_task(name="opsbase.kit.notification_email")
def notification_email(
    tenant_id: int, membership_id: int, title: str, body: str = "", url: str = ""
) -> list[str]:
    """E-mail one notification at once (the member chose e-mail for its event)."""
    return notification_email_send(
        tenant_id=tenant_id, membership_id=membership_id, title=title, body=body, url=url
    )


@shared_task(name="opsbase.kit.notification_digest")
def notification_digest() -> int:
    """The daily digest: at most one e-mail per person per day (Celery beat)."""
    return notification_digest_send()
