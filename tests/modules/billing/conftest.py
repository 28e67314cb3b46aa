from decimal import Decimal

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.billing.services import invoice_create, invoice_issue
from opsbase.modules.customers.models import Customer

LINES = [
    {"description": "Bit inspection", "quantity": Decimal(4), "unit_amount": Decimal("250.00")},
    {
        "description": "Re-tipping",
        "quantity": Decimal(2),
        "unit_amount": Decimal("100.00"),
        "tax_rate": Decimal(21),
    },
]  # 1000 + 200 + 42 tax = 1242.00


def admin_of(world, tenant):
    members = world.members if tenant == world.home else world.away_members
    return members[RoleKind.ADMIN]


def customer_of(tenant, currency="EUR"):
    customer = Customer.objects.for_tenant(tenant).filter(currency=currency).first()
    if customer is None:
        customer = Customer(tenant=tenant, name=f"Initech {currency}", currency=currency)
        customer.save()
    return customer


@pytest.fixture
def customer(world):
    """A customer of Acme, in EUR."""
    return customer_of(world.home)


@pytest.fixture
def make_invoice(world):
    """``make_invoice(owner_membership, issue=False, lines=LINES)``: an invoice of the owner's
    organization, written by its Admin through the services (issued when asked)."""

    def make(owner, *, issue=False, lines=None, currency="EUR"):
        admin = admin_of(world, owner.tenant)
        invoice = invoice_create(
            membership=admin,
            customer=customer_of(owner.tenant, currency),
            lines=LINES if lines is None else lines,
        )
        if issue:
            invoice_issue(membership=admin, invoice=invoice)
        return invoice

    return make
