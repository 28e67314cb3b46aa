"""Reads of notifications: always the asking member's own, in their organization."""

from __future__ import annotations

from django.db.models import QuerySet

from opsbase.core.exceptions import NotFound
from opsbase.kernel.tenants.models import Membership

from .events import Channel, declared_events, event_for
from .models import Notification, NotificationCounter, NotificationPreference

# The preference's fields, in this order, are the channels' values.
_CHANNELS = (str(Channel.IN_APP), str(Channel.EMAIL), str(Channel.DIGEST))


def _ticked(row: tuple[bool, bool, bool]) -> set[str]:
    return {channel for channel, on in zip(_CHANNELS, row, strict=True) if on}


def notification_unread_count(*, membership: Membership) -> int:
    """The member's unread count: one indexed row (written with the notifications)."""
    value = (
        NotificationCounter.objects.for_tenant(membership.tenant_id)
        .filter(membership=membership)
        .values_list("unread", flat=True)
        .first()
    )
    return value or 0


def notification_list(*, membership: Membership) -> QuerySet[Notification]:
    """The member's notifications shown in the app, newest first."""
    return Notification.objects.for_tenant(membership.tenant_id).filter(
        recipient=membership, in_app=True
    )


def notification_get_for(*, membership: Membership, pk: int) -> Notification:
    """The member's notification *pk*; ``NotFound`` (404) for anyone else's."""
    found = notification_list(membership=membership).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def notification_channels_for(*, membership: Membership, event: str) -> set[str]:
    """The channels *membership* hears *event* on: their choice, else the event's defaults."""
    row = (
        NotificationPreference.objects.for_tenant(membership.tenant_id)
        .filter(membership=membership, event=event)
        .values_list("in_app", "email", "digest")
        .first()
    )
    if row is None:
        return {str(channel) for channel in event_for(event).default}
    return _ticked(row)


def notification_preference_grid(*, membership: Membership) -> list[dict]:
    """Every declared event with the member's channels for it (one query)."""
    chosen = {
        event: (in_app, email, digest)
        for event, in_app, email, digest in NotificationPreference.objects.for_tenant(
            membership.tenant_id
        )
        .filter(membership=membership)
        .values_list("event", "in_app", "email", "digest")
    }
    grid = []
    for module, event in declared_events():
        row = chosen.get(event.key)
        channels = {str(c) for c in event.default} if row is None else _ticked(row)
        grid.append({"module": module, "event": event, "channels": channels})
    return grid
