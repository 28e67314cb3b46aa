"""Hooks: how a module offers something to modules it does not know, and how another uses it
only when it is installed, without importing it.

The provider registers a function under a documented name in its ``AppConfig.ready``::

    from opsbase.kit.hooks import provide
    provide("billing.customer_create", customer_from_record)

and a module that names the provider in ``ModuleConfig.optional_dependencies`` asks::

    create = hook("billing.customer_create")
    if create is not None:                         # billing installed: the option is offered
        ref = create(membership=membership, name=..., email=..., source="leads.lead:12")

A hook's name starts with the provider's label; its keyword arguments and answer are the
provider's documented contract. ``hook`` answers None when the provider is not installed.

Listeners are the other way round: a module reacts to the writes of a module it depends on
without that module knowing it. The kit's ``record_create`` asks every listener of
``"<app label>.<model>.creating"`` (``fill(obj) -> {field: value}``: values set before the
check, validated, saved and audited with the record) and, after the save, of
``"<app label>.<model>.created"`` (``created(membership=, obj=)``, in the same transaction)::

    listen("leads.lead.creating", attribution_fill)     # marketing: the visit's UTM fields
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["hook", "listen", "listeners", "provide", "unlisten", "withdraw"]

_hooks: dict[str, Callable[..., Any]] = {}
_listeners: dict[str, list[Callable[..., Any]]] = {}


def provide(name: str, function: Callable[..., Any]) -> None:
    """Offer *function* as the hook *name* (``"<provider label>.<what>"``)."""
    if "." not in name:
        raise ValueError(f"Hook {name!r} must read '<provider label>.<what>'.")
    _hooks[name] = function


def withdraw(name: str) -> None:
    """Stop offering *name* (for tests of a module with and without its provider)."""
    _hooks.pop(name, None)


def hook(name: str) -> Callable[..., Any] | None:
    """The function offered as *name*, or None when no installed module offers it."""
    return _hooks.get(name)


def listen(name: str, function: Callable[..., Any]) -> None:
    """Call *function* on the event *name* (``"<app label>.<model>.creating|created"``);
    registering the same function twice keeps one."""
    if name.count(".") < 2:
        raise ValueError(f"Event {name!r} must read '<app label>.<model>.<event>'.")
    known = _listeners.setdefault(name, [])
    if function not in known:
        known.append(function)


def unlisten(name: str, function: Callable[..., Any]) -> None:
    """Stop calling *function* on *name* (for tests)."""
    if function in _listeners.get(name, ()):
        _listeners[name].remove(function)


def listeners(name: str) -> tuple[Callable[..., Any], ...]:
    """The functions listening to *name*, in the order they were registered."""
    return tuple(_listeners.get(name, ()))
