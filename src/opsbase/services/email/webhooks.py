"""Providers' tracking events (anymail's ``tracking`` signal, sent by its webhook views at
``/email/webhooks/<provider>/tracking/``): bounces, complaints and refusals suppress the
address for every organization; an unsubscribe at the provider suppresses it for the
organization named in the message's metadata (every address, when none is)."""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import EventType

from . import EVERYWHERE
from .models import SuppressionReason

logger = logging.getLogger(__name__)

_REASONS = {
    EventType.BOUNCED: SuppressionReason.BOUNCE,
    EventType.COMPLAINED: SuppressionReason.COMPLAINT,
    EventType.REJECTED: SuppressionReason.REJECTED,
    EventType.UNSUBSCRIBED: SuppressionReason.UNSUBSCRIBE,
}


def tracking_received(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    from . import suppression_add

    reason = _REASONS.get(event.event_type)
    if reason is None or not event.recipient:
        return
    organization = EVERYWHERE
    if reason == SuppressionReason.UNSUBSCRIBE:
        try:
            organization = int((event.metadata or {}).get("organization") or EVERYWHERE)
        except (TypeError, ValueError):
            organization = EVERYWHERE
    detail = f"{esp_name}: {event.description or event.mta_response or event.event_type}"
    suppression_add(
        address=event.recipient,
        reason=reason,
        organization_id=organization,
        detail=detail[:500],
        event_id=event.event_id or "",
    )
    logger.info("Suppressed %s (%s from %s)", event.recipient, reason, esp_name)
