"""The events modules notify about, declared once on each module's ``ModuleConfig``::

    notification_events = (
        NotificationEvent("tasks.assigned", _("A task is assigned to me"),
                          default=(Channel.IN_APP, Channel.EMAIL)),
    )

The preferences page lists them in these words; ``notify`` refuses a key nobody declared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("By e-mail at once")
    DIGEST = "digest", _("In the daily digest")


@dataclasses.dataclass(frozen=True)
class NotificationEvent:
    """An event a module notifies about: its key (``<label>.<what>``), how people call it, and
    the channels a member gets until they choose."""

    key: str
    label: str | Promise
    default: Sequence[str] = (Channel.IN_APP,)

    def __post_init__(self) -> None:
        if "." not in self.key:
            raise ValueError(f"Notification event {self.key!r} must read '<module label>.<what>'.")


@cache
def _declared() -> dict[str, tuple[str, NotificationEvent]]:
    found: dict[str, tuple[str, NotificationEvent]] = {}
    for config in apps.get_app_configs():
        for event in getattr(config, "notification_events", ()) or ():
            found[event.key] = (str(config.verbose_name), event)
    return found


def declared_events() -> list[tuple[str, NotificationEvent]]:
    """Every installed module's events as (module name, event), in installation order."""
    return list(_declared().values())


def event_for(key: str) -> NotificationEvent:
    """The declared event *key*; ``LookupError`` when no installed module declares it."""
    try:
        return _declared()[key][1]
    except KeyError:
        raise LookupError(f"No installed module declares the notification event {key!r}.") from None


def forget_declared_events() -> None:
    """Read the declarations again (tests that install a module on the fly)."""
    _declared.cache_clear()
