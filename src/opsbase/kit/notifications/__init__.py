"""Notifications: one call for every module (``notify``), the bell, the list, per-member
channel preferences and the daily digest. See docs/notifications.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import Channel, NotificationEvent

if TYPE_CHECKING:
    from .services import notify as notify
    from .services import notify_after_commit as notify_after_commit
else:

    def notify(**kwargs: Any) -> Any:
        """``opsbase.kit.notifications.services.notify`` (imported when first called, so that
        a module's apps.py may import the events from here before the models are ready)."""
        from .services import notify as _notify

        return _notify(**kwargs)

    def notify_after_commit(**kwargs: Any) -> None:
        """``opsbase.kit.notifications.services.notify_after_commit``: ``notify`` once the
        caller's transaction commits."""
        from .services import notify_after_commit as _later

        _later(**kwargs)


__all__ = ["Channel", "NotificationEvent", "notify", "notify_after_commit"]
