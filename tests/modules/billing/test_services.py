"""Billing's services: drafts with lines, issue with gapless numbers, immutability, payments
allocated within balances, credit notes, void and write-off; every change audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from opsbase.core.exceptions import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.modules.billing.constants import InvoiceStatus
from opsbase.modules.billing.models import Invoice, Payment
from opsbase.modules.billing.services import (
    credit_note_create,
    invoice_create,
    invoice_delete,
    invoice_issue,
    invoice_line_add,
    invoice_line_remove,
    invoice_mark_uncollectible,
    invoice_pay,
    invoice_update,
    invoice_void,
    payment_record,
)

from .conftest import LINES, customer_of

YEAR = timezone.localdate().year


def test_a_draft_has_its_lines_totals_and_no_number(admin, customer):
    invoice = invoice_create(membership=admin, customer=customer, lines=LINES)

    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number is None
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("1200.00"),
        Decimal("42.00"),
        Decimal("1242.00"),
    )
    invoice.refresh_from_db()
    assert invoice.total == Decimal("1242.00")


def test_issuing_gives_consecutive_numbers_dates_and_an_audit_event(admin, customer):
    first = invoice_create(membership=admin, customer=customer, lines=LINES)
    second = invoice_create(membership=admin, customer=customer, lines=LINES)

    invoice_issue(membership=admin, invoice=second)
    invoice_issue(membership=admin, invoice=first)

    assert second.number == f"INV-{YEAR}-0001"
    assert first.number == f"INV-{YEAR}-0002"
    assert first.status == InvoiceStatus.OPEN
    assert first.issue_date == timezone.localdate()
    assert first.due_date == first.issue_date + dt.timedelta(days=30)
    event = AuditEvent.objects.for_tenant(admin.tenant).get(
        action="invoice.transition.issue", target_id=str(first.pk)
    )
    assert event.changes["number"]["new"] == first.number
    assert audit_chain_verify(tenant=admin.tenant).ok


def test_the_number_pattern_is_a_setting(admin, customer, settings):
    settings.OPSBASE_BILLING_INVOICE_NUMBER = "A{seq:06}"
    invoice = invoice_create(membership=admin, customer=customer, lines=LINES)

    invoice_issue(membership=admin, invoice=invoice)

    assert invoice.number == "A000001"


def test_numbers_are_per_organization(world, admin, customer):
    away = world.away_members["admin"]
    theirs = invoice_create(membership=away, customer=customer_of(world.away), lines=LINES)
    ours = invoice_create(membership=admin, customer=customer, lines=LINES)

    invoice_issue(membership=away, invoice=theirs)
    invoice_issue(membership=admin, invoice=ours)

    assert theirs.number == ours.number == f"INV-{YEAR}-0001"


def test_an_invoice_without_lines_is_not_issued_and_takes_no_number(admin, customer):
    empty = invoice_create(membership=admin, customer=customer)

    with pytest.raises(InvalidTransition, match="at least one line"):
        invoice_issue(membership=admin, invoice=empty)

    later = invoice_create(membership=admin, customer=customer, lines=LINES)
    invoice_issue(membership=admin, invoice=later)
    assert later.number == f"INV-{YEAR}-0001"
    empty.refresh_from_db()
    assert (empty.status, empty.number) == (InvoiceStatus.DRAFT, None)


def test_an_issued_invoice_cannot_be_edited_nor_deleted(admin, make_invoice):
    invoice = make_invoice(admin, issue=True)

    with pytest.raises(Conflict, match="credit note or void"):
        invoice_update(membership=admin, invoice=invoice, notes="changed")
    with pytest.raises(Conflict):
        invoice_update(membership=admin, invoice=invoice, lines=[])
    with pytest.raises(Conflict):
        invoice_line_add(membership=admin, invoice=invoice, description="More", unit_amount=1)
    with pytest.raises(Conflict):
        invoice_delete(membership=admin, invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.total == Decimal("1242.00") and invoice.notes == ""


def test_a_draft_is_edited_line_by_line(admin, make_invoice):
    invoice = make_invoice(admin, lines=[])

    line = invoice_line_add(
        membership=admin, invoice=invoice, description="Hours", quantity=3, unit_amount="10.005"
    )
    assert invoice.total == Decimal("30.02")
    invoice_line_remove(membership=admin, invoice=invoice, line_id=line.pk)
    assert invoice.total == Decimal(0)


def test_bad_lines_are_field_errors_and_nothing_is_written(admin, make_invoice):
    invoice = make_invoice(admin)

    with pytest.raises(ValidationError) as refused:
        invoice_update(
            membership=admin,
            invoice=invoice,
            lines=[{"description": "", "quantity": 0, "unit_amount": "x"}],
        )

    assert "lines" in refused.value.extra["fields"]
    invoice.refresh_from_db()
    assert invoice.total == Decimal("1242.00")


def test_a_payment_in_full_marks_the_invoice_paid(admin, make_invoice):
    invoice = make_invoice(admin, issue=True)

    payment = invoice_pay(membership=admin, invoice=invoice, reference="SEPA")

    assert payment.amount == Decimal("1242.00")
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.balance == 0


def test_a_payment_is_allocated_to_several_invoices(admin, make_invoice, customer):
    one, two = make_invoice(admin, issue=True), make_invoice(admin, issue=True)

    payment_record(
        membership=admin,
        customer=customer,
        amount="1500.00",
        allocations=[(one, "1242.00"), (two, "258.00")],
    )

    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == InvoiceStatus.PAID
    assert (two.status, two.balance) == (InvoiceStatus.OPEN, Decimal("984.00"))


def test_a_payment_never_allocates_more_than_the_balance(admin, make_invoice, customer):
    invoice = make_invoice(admin, issue=True)

    with pytest.raises(ValidationError) as refused:
        payment_record(
            membership=admin, customer=customer, amount="2000", allocations=[(invoice, "1242.01")]
        )

    assert "allocations" in refused.value.extra["fields"]
    assert not Payment.objects.for_tenant(admin.tenant).exists()


def test_a_payment_cannot_allocate_more_than_itself(admin, make_invoice, customer):
    invoice = make_invoice(admin, issue=True)

    with pytest.raises(ValidationError):
        payment_record(
            membership=admin, customer=customer, amount="10", allocations=[(invoice, "20")]
        )


def test_a_draft_or_another_customers_invoice_takes_no_payment(world, admin, make_invoice):
    draft = make_invoice(admin)
    other = customer_of(world.home, "USD")

    with pytest.raises(ValidationError):
        invoice_pay(membership=admin, invoice=draft)
    with pytest.raises(ValidationError):
        payment_record(membership=admin, customer=other, amount="1", allocations=[(draft, "1")])


def test_a_gateway_payment_is_recorded_once(admin, make_invoice, customer):
    invoice = make_invoice(admin, issue=True)
    kwargs = {"gateway": "stripe", "gateway_id": "pi_123", "method": "card"}

    payment_record(
        membership=admin, customer=customer, amount="10", allocations=[(invoice, "10")], **kwargs
    )
    with pytest.raises(Conflict):
        payment_record(
            membership=admin,
            customer=customer,
            amount="10",
            allocations=[(invoice, "10")],
            **kwargs,
        )

    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal(10)


def test_a_credit_note_is_numbered_and_never_exceeds_the_balance(admin, make_invoice):
    invoice = make_invoice(admin, issue=True)
    invoice_pay(membership=admin, invoice=invoice, amount="1000.00")

    with pytest.raises(ValidationError) as refused:
        credit_note_create(membership=admin, invoice=invoice, amount="242.01", reason="Too much")
    note = credit_note_create(membership=admin, invoice=invoice, amount="242.00", reason="Discount")

    assert "amount" in refused.value.extra["fields"]
    assert note.number == f"CN-{YEAR}-0001"
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal(0), InvoiceStatus.PAID)


def test_void_only_when_nothing_was_paid(admin, make_invoice):
    paid_a_bit, untouched = make_invoice(admin, issue=True), make_invoice(admin, issue=True)
    invoice_pay(membership=admin, invoice=paid_a_bit, amount="1.00")

    with pytest.raises(InvalidTransition, match="credit note"):
        invoice_void(membership=admin, invoice=paid_a_bit)
    invoice_void(membership=admin, invoice=untouched, reason="Issued twice")

    assert untouched.status == InvoiceStatus.VOID
    assert untouched.number  # a void invoice keeps its number: no gap
    event = AuditEvent.objects.for_tenant(admin.tenant).get(action="invoice.transition.void")
    assert event.changes["reason"]["new"] == "Issued twice"


def test_a_draft_cannot_be_voided(admin, make_invoice):
    with pytest.raises(InvalidTransition):
        invoice_void(membership=admin, invoice=make_invoice(admin))


def test_an_uncollectible_invoice_can_still_be_paid(admin, make_invoice):
    invoice = make_invoice(admin, issue=True)

    invoice_mark_uncollectible(membership=admin, invoice=invoice)
    invoice_pay(membership=admin, invoice=invoice)

    assert invoice.status == InvoiceStatus.PAID


def test_a_user_and_a_manager_may_do_nothing(world, admin, make_invoice, customer, user, manager):
    invoice = make_invoice(admin)
    for member in (user, manager):
        with pytest.raises(PermissionDenied):
            invoice_create(membership=member, customer=customer, lines=LINES)
        with pytest.raises(PermissionDenied):
            invoice_issue(membership=member, invoice=invoice)
        with pytest.raises(PermissionDenied):
            invoice_update(membership=member, invoice=invoice, notes="x")


def test_another_organizations_invoice_is_not_found(world, make_invoice):
    theirs = make_invoice(world.away_members["admin"], issue=True)
    admin = world.members["admin"]

    with pytest.raises(NotFound):
        invoice_void(membership=admin, invoice=theirs)
    with pytest.raises(NotFound):
        invoice_pay(membership=admin, invoice=theirs)
    with pytest.raises(NotFound):
        credit_note_create(membership=admin, invoice=theirs, amount="1", reason="x")


def test_the_invoice_state_is_only_changed_by_the_workflow(admin, make_invoice):
    invoice = make_invoice(admin)
    invoice.status = InvoiceStatus.PAID

    with pytest.raises(InvalidTransition):
        invoice.save()
    with pytest.raises(InvalidTransition):
        Invoice.objects.for_tenant(admin.tenant).update(status=InvoiceStatus.PAID)


@pytest.mark.parametrize("pattern", ["INV-{year}", "INV-{number}", "INV-{seq:x", "{0}"])
def test_a_bad_number_pattern_is_refused_and_issues_nothing(admin, customer, settings, pattern):
    from django.core.exceptions import ImproperlyConfigured

    settings.OPSBASE_BILLING_INVOICE_NUMBER = pattern
    invoice = invoice_create(membership=admin, customer=customer, lines=LINES)

    with pytest.raises(ImproperlyConfigured):
        invoice_issue(membership=admin, invoice=invoice)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (InvoiceStatus.DRAFT, None)
