"""Writes of customers: the kit's plain services, and the one other modules reach through
the ``customers.customer_create`` hook (a won lead becomes a customer)."""

from __future__ import annotations

from typing import Any

from opsbase.core.writes import atomic_write
from opsbase.kernel.tenants.models import Membership

from .entity import CUSTOMERS
from .models import Customer


@atomic_write
def customer_create(*, membership: Membership, **data: Any) -> Customer:
    """A new customer of *membership*'s organization (``customers.add_customer``), audited."""
    assert CUSTOMERS.create is not None  # noqa: S101 - the kit's plain service
    return CUSTOMERS.create(membership=membership, **data)
