"""Actions a module adds to another module's page without either importing the other: the
page names a *place* and asks for the actions offered there; a module offers them from its
``ready()``::

    # the page's module (drillbits), in its scan view and template:
    from opsbase.kit.actions import actions_at
    context["actions"] = actions_at("drillbits.scan", membership=membership, obj=bit)
    {% include "kit/_actions.html" with actions=actions %}

    # another module (quality), in QualityConfig.ready():
    from opsbase.kit.actions import Action, offer
    offer("drillbits.scan", lambda *, membership, obj: [Action(label=..., url=...)])

A place's name starts with the label of the module whose page it is. A provider answers the
actions that apply for the member and the object (none: an empty list); it must not write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Action", "actions_at", "offer", "withdraw"]


@dataclass(frozen=True)
class Action:
    """A link shown on another module's page."""

    label: Any
    url: str
    icon: str = ""
    testid: str = ""
    style: str = "outline-primary"


Provider = Callable[..., Iterable[Action]]
_offers: dict[str, list[Provider]] = {}


def offer(place: str, provider: Provider) -> None:
    """Add *provider* (``provider(*, membership, obj) -> [Action, ...]``) to *place*."""
    if "." not in place:
        raise ValueError(f"Place {place!r} must read '<page module label>.<page>'.")
    providers = _offers.setdefault(place, [])
    if provider not in providers:
        providers.append(provider)


def withdraw(place: str, provider: Provider) -> None:
    """Stop offering *provider* at *place* (tests)."""
    providers = _offers.get(place, [])
    if provider in providers:
        providers.remove(provider)


def actions_at(place: str, *, membership: Any, obj: Any) -> list[Action]:
    """Every action the installed modules offer at *place* for *membership* and *obj*."""
    found: list[Action] = []
    for provider in _offers.get(place, []):
        found.extend(provider(membership=membership, obj=obj))
    return found
