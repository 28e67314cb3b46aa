"""Billing's records: amounts rounded to each currency's minor units (CLDR, through Babel),
an invoice's totals computed in one place, and who holds billing's permissions."""

from datetime import date
from decimal import Decimal

import pytest

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import role_create_from_template
from opsbase.modules.billing.constants import ALL_CODENAMES
from opsbase.modules.billing.models import Invoice, InvoiceLine
from opsbase.modules.billing.money import minor_units, quantize
from opsbase.modules.customers.models import Customer


@pytest.mark.parametrize(
    ("currency", "digits", "rounded"),
    [("EUR", 2, "10.13"), ("JPY", 0, "10"), ("KWD", 3, "10.125"), ("USD", 2, "10.13")],
)
def test_amounts_are_rounded_to_the_currency_minor_units(currency, digits, rounded):
    assert minor_units(currency) == digits
    assert quantize(Decimal("10.1254"), currency) == Decimal(rounded)


def test_an_unknown_currency_is_refused_with_a_field_error(world):
    tenant = world.members[RoleKind.ADMIN].tenant
    customer = Customer(tenant=tenant, name="Initech", currency="XYZ")

    with pytest.raises(Exception) as refused:
        customer.full_clean()

    assert "currency" in refused.value.message_dict


@pytest.mark.parametrize(("currency", "total"), [("EUR", "36.32"), ("JPY", "36")])
def test_invoice_totals_round_each_line_then_add_the_tax(world, currency, total):
    tenant = world.members[RoleKind.ADMIN].tenant
    customer = Customer.objects.create(tenant=tenant, name="Initech", currency=currency)
    invoice = Invoice.objects.create(
        tenant=tenant, customer=customer, currency=currency, issue_date=date(2026, 1, 5)
    )
    lines = [
        InvoiceLine(
            tenant=tenant,
            invoice=invoice,
            description="Hours",
            quantity=3,
            unit_amount=Decimal("10.005"),
            tax_rate=Decimal(21),
        ),
    ]

    invoice.compute_totals(lines)

    assert invoice.total == Decimal(total)
    assert invoice.subtotal + invoice.tax_total == invoice.total
    assert invoice.balance == invoice.total


def test_admins_and_the_billing_template_hold_billing_and_users_do_not(world):
    admin = world.members[RoleKind.ADMIN]
    role = role_create_from_template(membership=admin, slug="billing", name="Billing")

    for codename in ALL_CODENAMES:
        assert admin.role.grants(codename)
        assert role.grants(codename)
        assert not world.members[RoleKind.USER].role.grants(codename)
        assert not world.members[RoleKind.MANAGER].role.grants(codename)
    assert any(t["slug"] == "billing" for t in policy.templates())
