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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["hook", "provide", "withdraw"]

_hooks: dict[str, Callable[..., Any]] = {}


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
