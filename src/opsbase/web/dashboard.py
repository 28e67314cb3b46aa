"""Dashboard cards that apps contribute (``dashboard.register`` in ``AppConfig.ready``).

A card shows a few counts with links, for memberships whose role grants its codename::

    from opsbase.web import dashboard

    dashboard.register(dashboard.CountsCard(
        key="tasks", title=_("Tasks"), icon="check2-square", codename="tasks.view_task",
        counts=task_dashboard_counts, order=10,
    ))

``counts(membership)`` returns ``[(label, number, url or None), ...]``; apps cache it (modules
keep it per tenant version, ``opsbase.kit.caching.counts_cached``, so it costs no query until
a write). A card
whose counts change only with its tenant's version (``opsbase.core.cache.tenant_version_bump``
on every write they depend on) says ``versioned=True``; a dashboard whose cards all do is kept
whole in the cache (``opsbase.web.page_cache``).
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
    versioned: bool = False


_cards: dict[str, CountsCard] = {}


def register(card: CountsCard) -> None:
    """Add *card* to the dashboard (the same key again replaces it)."""
    _cards[card.key] = card


def unregister(key: str) -> None:
    _cards.pop(key, None)


def _shown(membership) -> list[CountsCard]:
    ordered = sorted(_cards.values(), key=lambda c: (c.order, c.key))
    return [c for c in ordered if not c.codename or membership.role.grants(c.codename)]


def cards_versioned(membership) -> bool:
    """True when every card *membership* sees changes only with its tenant's version."""
    return all(card.versioned for card in _shown(membership))


def cards_for(membership) -> list[dict]:
    """The cards *membership* may see, in order, with their counts."""
    if membership is None:
        return []
    shown = []
    for card in _shown(membership):
        counts = [
            {"label": label, "value": value, "url": url}
            for label, value, url in card.counts(membership)
        ]
        shown.append({"key": card.key, "title": card.title, "icon": card.icon, "counts": counts})
    return shown
