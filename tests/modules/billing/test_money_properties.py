"""Money arithmetic, property-based: an invoice's totals are the sum of its rounded lines;
a payment never allocates more than a balance; a credit note never takes a balance below
zero, whatever the sequence of payments and credit notes."""

from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsbase.core.exceptions import ValidationError
from opsbase.modules.billing.constants import InvoiceStatus
from opsbase.modules.billing.models import Invoice, InvoiceLine, PaymentAllocation
from opsbase.modules.billing.money import minor_units, quantize
from opsbase.modules.billing.services import (
    credit_note_create,
    invoice_create,
    invoice_issue,
    payment_record,
)

from .conftest import customer_of

CURRENCIES = ("EUR", "JPY", "KWD", "USD")

lines = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10_000), places=3),
        st.decimals(min_value=Decimal(-1_000), max_value=Decimal(100_000), places=3),
        st.sampled_from([Decimal(0), Decimal("5.5"), Decimal(7), Decimal(19), Decimal(21)]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300)
@given(lines=lines, currency=st.sampled_from(CURRENCIES))
def test_totals_equal_the_sum_of_the_rounded_lines(lines, currency):
    invoice = Invoice(currency=currency)
    rows = [InvoiceLine(quantity=q, unit_amount=p, tax_rate=t) for q, p, t in lines]

    invoice.compute_totals(rows)

    step = Decimal(1).scaleb(-minor_units(currency))
    nets = [quantize(q * p, currency) for q, p, _t in lines]
    taxes = [
        quantize(net * t / 100, currency) for net, (_q, _p, t) in zip(nets, lines, strict=True)
    ]
    assert invoice.subtotal == sum(nets)
    assert invoice.tax_total == sum(taxes)
    assert invoice.total == invoice.subtotal + invoice.tax_total
    for amount in (invoice.subtotal, invoice.tax_total, invoice.total):
        assert amount == amount.quantize(step), amount  # whole minor units only
    # Each line is rounded twice (its net, then the tax of the rounded net): the total is
    # within half a minor unit per rounding, plus the tax on the net's rounding, per line.
    exact = sum(q * p * (1 + t / 100) for q, p, t in lines)
    assert abs(invoice.total - exact) <= step * len(lines) * Decimal("1.11")


operations = st.lists(
    st.tuples(
        st.sampled_from(["pay", "credit"]),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1_500), places=2),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_payments_and_credit_notes_never_take_a_balance_below_zero(world, admin, ops):
    with transaction.atomic():
        customer = customer_of(world.home)
        invoice = invoice_create(
            membership=admin,
            customer=customer,
            lines=[{"description": "Work", "quantity": 1, "unit_amount": Decimal("1000.00")}],
        )
        invoice_issue(membership=admin, invoice=invoice)
        for kind, amount in ops:
            before = invoice.balance
            try:
                if kind == "pay":
                    payment_record(
                        membership=admin,
                        customer=customer,
                        amount=amount,
                        allocations=[(invoice, amount)],
                    )
                else:
                    credit_note_create(
                        membership=admin, invoice=invoice, amount=amount, reason="Discount"
                    )
            except ValidationError:
                refused = True
            else:
                refused = False
            invoice.refresh_from_db()
            # Refused exactly when it asked for more than the balance (or nothing is owed).
            assert refused == (amount > before or before == 0), (kind, amount, before)
            assert invoice.balance == (before if refused else before - amount)
            assert invoice.balance >= 0
            allocated = sum(
                PaymentAllocation.objects.for_tenant(admin.tenant)
                .filter(invoice=invoice)
                .values_list("amount", flat=True),
                Decimal(0),
            )
            assert allocated == invoice.amount_paid
            assert (invoice.status == InvoiceStatus.PAID) == (invoice.balance == 0)
        transaction.set_rollback(True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shares=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1_500), places=2),
        min_size=1,
        max_size=4,
    ),
    extra=st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2),
)
def test_one_payment_over_several_invoices_never_exceeds_a_balance(world, admin, shares, extra):
    with transaction.atomic():
        customer = customer_of(world.home)
        invoices = []
        for _ in shares:
            invoice = invoice_create(
                membership=admin,
                customer=customer,
                lines=[{"description": "Work", "quantity": 1, "unit_amount": Decimal("1000.00")}],
            )
            invoice_issue(membership=admin, invoice=invoice)
            invoices.append(invoice)
        try:
            payment_record(
                membership=admin,
                customer=customer,
                amount=sum(shares) + extra,
                allocations=list(zip(invoices, shares, strict=True)),
            )
        except ValidationError:
            refused = True
        else:
            refused = False
        assert refused == any(share > Decimal(1000) for share in shares)
        for invoice, share in zip(invoices, shares, strict=True):
            invoice.refresh_from_db()
            assert invoice.balance == Decimal(1000) - (0 if refused else share)
            assert invoice.balance >= 0
        transaction.set_rollback(True)
