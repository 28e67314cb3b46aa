"""The demo's invoices: a few per organization in every status, with payments and a credit
note, written by its Admin through the services (numbered, audited)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.customers.demo import demo_customers_seed
from opsbase.modules.customers.models import Customer
from opsbase.modules.customers.services import customer_create

from .models import Invoice
from .services import (
    billing_profile_update,
    credit_note_create,
    invoice_create,
    invoice_issue,
    invoice_mark_uncollectible,
    invoice_pay,
    invoice_void,
)

LINES = (
    ("Bit inspection", "4", "250.00", "21"),
    ("Re-tipping, PDC cutters", "12", "85.50", "21"),
    ("Transport to the rig", "1", "420.00", "0"),
    ("Thread repair", "2", "310.00", "21"),
)

# (lines, issued days ago (None: draft), what happens next)
DEMO_INVOICES = (
    ((0, 2), None, None),
    ((1, 2), 5, None),
    ((0, 1, 2), 45, None),  # overdue
    ((3,), 20, "pay"),
    ((0, 3), 12, "part"),
    ((1,), 30, "credit"),
    ((2,), 8, "void"),
    ((0,), 120, "uncollectible"),
)


def demo_billing_seed(*, tenant) -> None:
    """Invoices in every status for *tenant*, once (re-running the demo adds nothing)."""
    if Invoice.objects.for_tenant(tenant).exists():
        return
    admin = (
        Membership.objects.for_tenant(tenant)
        .filter(role__kind=RoleKind.ADMIN, is_active=True)
        .select_related("user", "role", "tenant")
        .first()
    )
    if admin is None:
        return
    # The customers module's demo customers (seeded here first when billing's demo runs
    # before it: modules install in any order).
    demo_customers_seed(tenant=tenant)
    customers = list(Customer.objects.for_tenant(tenant).order_by("name")[:3])
    if not customers:
        customers = [
            customer_create(
                membership=admin, name="Northwind Drilling", email="accounts@northwind.example"
            )
        ]
    billing_profile_update(
        membership=admin,
        legal_name=f"{tenant.name} B.V.",
        address="Industrieweg 12\n3044 AS Rotterdam\nThe Netherlands",
        tax_id="NL000099998B57",
        sender_name=f"{tenant.name} Billing",
        reminder_offsets="-3, 1, 7",
    )
    today = timezone.localdate()
    for n, (lines, issued_ago, then) in enumerate(DEMO_INVOICES):
        customer = customers[n % len(customers)]
        issued_on = None if issued_ago is None else today - timedelta(days=issued_ago)
        invoice = invoice_create(
            membership=admin,
            customer=customer,
            issue_date=issued_on,
            due_date=None if issued_on is None else issued_on + timedelta(days=30),
            lines=[
                {
                    "description": LINES[i][0],
                    "quantity": Decimal(LINES[i][1]),
                    "unit_amount": Decimal(LINES[i][2]),
                    "tax_rate": Decimal(LINES[i][3]),
                }
                for i in lines
            ],
        )
        if issued_on is None:
            continue
        invoice_issue(membership=admin, invoice=invoice)
        if then == "pay":
            invoice_pay(membership=admin, invoice=invoice, reference="Bank transfer")
        elif then == "part":
            half = (invoice.total / 2).quantize(Decimal("0.01"))
            invoice_pay(membership=admin, invoice=invoice, amount=half, reference="Part payment")
        elif then == "credit":
            credit_note_create(
                membership=admin,
                invoice=invoice,
                amount=invoice.total,
                reason="The work was redone under warranty.",
            )
        elif then == "void":
            invoice_void(membership=admin, invoice=invoice, reason="Issued twice.")
        elif then == "uncollectible":
            invoice_mark_uncollectible(
                membership=admin, invoice=invoice, reason="The customer went out of business."
            )
