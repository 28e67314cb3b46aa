"""Dashboard cards that apps contribute (``dashboard.register`` in ``AppConfig.ready``).

A card shows a few counts with links, for memberships whose role grants its codename::

    from opsbase.web import dashboard

    dashboard.register(dashboard.CountsCard(
        key="tasks", title=_("Tasks"), icon="check2-square", codename="tasks.view_task",
        counts=task_dashboard_counts, order=10,
    ))

``counts(membership)`` returns ``[(label, number, url or None), ...]``; apps cache it (the
tasks app keeps it per tenant version in Redis, so it costs no query until a write).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass(frozen=True)
class CountsCard:
    key: str
    title: _StrOrPromise
    counts: Callable[[Any], list[tuple[Any, int, str | None]]]
    icon: str = "circle"
    codename: str | None = None
    order: int = 100


_cards: dict[str, CountsCard] = {}


def register(card: CountsCard) -> None:
    """Add *card* to the dashboard (the same key again replaces it)."""
    _cards[card.key] = card


def unregister(key: str) -> None:
    _cards.pop(key, None)


def cards_for(membership) -> list[dict]:
    """The cards *membership* may see, in order, with their counts."""
    if membership is None:
        return []
    shown = []
    for card in sorted(_cards.values(), key=lambda c: (c.order, c.key)):
        if card.codename and not membership.role.grants(card.codename):
            continue
        counts = [
            {"label": label, "value": value, "url": url}
            for label, value, url in card.counts(membership)
        ]
        shown.append({"key": card.key, "title": card.title, "icon": card.icon, "counts": counts})
    return shown
