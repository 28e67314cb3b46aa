"""Writes of billing: the one place that changes invoices, their lines, payments and credit
notes. Each states its business rule; the kit's helpers do the rest (policy on the locked row,
validation, audit). Every write takes its locks in one order: the invoices' rows first (by
id), then the organization's document counter, the audit chain head last.

* A draft is edited freely (``invoice_create``, ``invoice_update`` with its lines); its totals
  are computed by ``Invoice.compute_totals`` and nowhere else.
* ``invoice_issue`` gives it the next number of the organization's gapless sequence (a counter
  row locked until the transaction ends: a number is taken by a committed issue or by none).
  From then on the invoice is immutable: only a payment, a credit note, a void or a write-off
  (uncollectible) changes it.
* ``payment_record`` allocates a payment to one or more owed invoices, never more than an
  invoice's balance; an invoice whose balance reaches zero becomes Paid.
* ``credit_note_create`` never takes a balance below zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.exceptions import Conflict, ValidationError
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import transition_apply
from opsbase.kit import notifications
from opsbase.kit.numbering import sequence_next
from opsbase.kit.services import (
    RowsInvalid,
    record_create,
    record_create_many,
    record_delete,
    record_update,
)
from opsbase.modules.customers.models import Customer
from opsbase.services.analytics import track

from .constants import (
    CREDIT_NOTE_NUMBER_PATTERN,
    INVOICE_NUMBER_PATTERN,
    ISSUE,
    MANAGE,
    OWED_STATUSES,
    PAYMENT_TERMS_DAYS,
    RECORD_PAYMENT,
    CounterKind,
    InvoiceStatus,
    PaymentGateway,
    PaymentMethod,
)
from .models import CreditNote, DocumentCounter, Invoice, InvoiceLine, Payment, PaymentAllocation
from .money import minor_units, quantize

EDITABLE_FIELDS = ("customer", "currency", "issue_date", "due_date", "notes")
LINE_FIELDS = ("description", "quantity", "unit_amount", "tax_rate", "product")


def _fields_error(fields: Mapping[str, Sequence[str]]) -> ValidationError:
    messages = [str(m) for ms in fields.values() for m in ms]
    return ValidationError(
        " ".join(messages), extra={"fields": {k: list(v) for k, v in fields.items()}}
    )


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, f"OPSBASE_BILLING_{name}", default)


# -- numbering -----------------------------------------------------------------------------------


def document_number_format(pattern: str, *, seq: int, on: dt.date) -> str:
    """*pattern* filled in: ``INV-{year}-{seq:04}`` → ``INV-2026-0007``. A pattern without
    ``{seq}``, or naming anything but ``{year}``, ``{month}`` and ``{seq}``, is refused."""
    try:
        number = pattern.format(year=on.year, month=on.month, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"The billing number pattern {pattern!r} cannot be filled in ({exc!r}): use "
            "{year}, {month} and {seq} (with a format such as {seq:04})."
        ) from None
    if "{seq" not in pattern:
        raise ImproperlyConfigured(
            f"The billing number pattern {pattern!r} has no {{seq}}: every number would be "
            "the same."
        )
    return number


def document_number_take(*, tenant_id: int, kind: str, pattern: str, on: dt.date) -> str:
    """The next number of *kind* for the organization, from *pattern* (a pattern with
    ``{year}`` counts each year from 1).

    Must run inside the write's transaction, after the document's own row is locked: the
    counter row stays locked until the commit, so parallel issues queue here and a rolled-back
    one gives its number back (no gap, no duplicate)."""
    period = str(on.year) if "{year" in pattern else ""
    seq = sequence_next(DocumentCounter, tenant_id=tenant_id, kind=kind, period=period)
    return document_number_format(pattern, seq=seq, on=on)


# -- the workflow's rules (guards and effects, named in constants.INVOICE_WORKFLOW) ------------


def _has_lines(invoice: Invoice) -> bool:
    return InvoiceLine.objects.for_tenant(invoice.tenant_id).filter(invoice_id=invoice.pk).exists()


def invoice_issue_blocked(invoice: Invoice, membership: Membership) -> str | None:
    """Why *invoice* cannot be issued now, or None."""
    if invoice.customer_id is None:
        return _("Choose a customer first.")
    if not _has_lines(invoice):
        return _("Add at least one line first.")
    if invoice.total < 0:
        return _("An invoice cannot total less than zero; write a credit note instead.")
    if invoice.issue_date and invoice.due_date and invoice.due_date < invoice.issue_date:
        return _("The due date is before the issue date.")
    return None


def invoice_issue_effects(invoice: Invoice, membership: Membership) -> dict[str, Any]:
    """What issuing sets besides the state: the next number, the issue date (today unless
    given) and the due date (after the payment terms unless given). Runs under the invoice's
    lock, inside the issue's transaction."""
    issued_on = invoice.issue_date or timezone.localdate()
    terms = int(_setting("PAYMENT_TERMS_DAYS", PAYMENT_TERMS_DAYS))
    number = document_number_take(
        tenant_id=invoice.tenant_id,
        kind=CounterKind.INVOICE,
        pattern=_setting("INVOICE_NUMBER", INVOICE_NUMBER_PATTERN),
        on=issued_on,
    )
    return {
        "number": number,
        "issue_date": issued_on,
        "due_date": invoice.due_date or issued_on + dt.timedelta(days=terms),
    }


def invoice_settle_blocked(invoice: Invoice, membership: Membership) -> str | None:
    if invoice.balance != 0:
        return _("%(balance)s %(currency)s is still to be paid; record a payment for it.") % {
            "balance": invoice.balance,
            "currency": invoice.currency,
        }
    return None


def invoice_void_blocked(invoice: Invoice, membership: Membership) -> str | None:
    if invoice.amount_paid > 0:
        return _("Payments were recorded for this invoice; write a credit note instead.")
    return None


# -- drafts --------------------------------------------------------------------------------------


def _refuse_unless_draft(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(
            _("Invoice %(number)s is issued and cannot be changed: write a credit note or void it.")
            % {"number": invoice.number},
            extra={"status": invoice.status},
        )


def _check_invoice(membership: Membership) -> Any:
    def check(invoice: Invoice, changed: frozenset[str]) -> None:
        errors: dict[str, list[str]] = {}
        customer = invoice.customer if invoice.customer_id else None
        if customer is None or customer.tenant_id != membership.tenant_id:
            errors["customer"] = [_("Choose a customer of this organization.")]
        if invoice.issue_date and invoice.due_date and invoice.due_date < invoice.issue_date:
            errors["due_date"] = [_("The due date cannot be before the issue date.")]
        if errors:
            raise _fields_error(errors)

    return check


def _decimal(value: Any, name: str, errors: dict[str, list[str]]) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(name, []).append(_("Enter a number."))
        return Decimal(0)
    if not number.is_finite():
        errors.setdefault(name, []).append(_("Enter a number."))
        return Decimal(0)
    return number


def _lines_build(
    membership: Membership, invoice: Invoice, lines: Iterable[Mapping[str, Any]]
) -> list[InvoiceLine]:
    """The new lines of *invoice*; a ``ValidationError`` naming each refused line
    (``lines``: ``["Line 2: ..."]``) before anything is written."""
    built: list[InvoiceLine] = []
    problems: list[str] = []
    for position, data in enumerate(lines):
        unknown = sorted(set(data) - set(LINE_FIELDS))
        if unknown:
            raise TypeError(f"An invoice line has no {', '.join(unknown)}.")
        errors: dict[str, list[str]] = {}
        quantity = _decimal(data.get("quantity", 1), "quantity", errors)
        unit_amount = _decimal(data.get("unit_amount", 0), "unit_amount", errors)
        tax_rate = _decimal(data.get("tax_rate", 0), "tax_rate", errors)
        if quantity <= 0:
            errors.setdefault("quantity", []).append(_("The quantity must be above zero."))
        if not 0 <= tax_rate <= 100:
            errors.setdefault("tax_rate", []).append(_("The tax rate is between 0 and 100."))
        description = str(data.get("description") or "").strip()
        if not description:
            errors.setdefault("description", []).append(_("Describe the line."))
        product = data.get("product")
        if product is not None and getattr(product, "tenant_id", None) != membership.tenant_id:
            errors.setdefault("product", []).append(_("Choose a product of this organization."))
        if errors:
            detail = " ".join(m for ms in errors.values() for m in ms)
            problems.append(_("Line %(n)s: %(errors)s") % {"n": position + 1, "errors": detail})
            continue
        built.append(
            InvoiceLine(
                invoice=invoice,
                product=product,
                description=description,
                quantity=quantity,
                unit_amount=unit_amount,
                tax_rate=tax_rate,
                position=position,
            )
        )
    if problems:
        raise _fields_error({"lines": problems})
    return built


def _lines_replace(
    membership: Membership, invoice: Invoice, lines: Iterable[Mapping[str, Any]]
) -> list[InvoiceLine]:
    """*invoice*'s lines replaced by *lines*, its totals computed again; audited."""
    new = _lines_build(membership, invoice, lines)
    old = InvoiceLine.objects.for_tenant(invoice.tenant_id).filter(invoice_id=invoice.pk)
    for line in old:
        record_delete(membership=membership, obj=line, codename=MANAGE)
    if new:
        try:
            record_create_many(membership=membership, objs=new, codename=MANAGE)
        except RowsInvalid as exc:
            problems = [
                _("Line %(n)s: %(errors)s") % {"n": index + 1, "errors": " ".join(messages)}
                for index, messages in exc.rows.items()
            ]
            raise _fields_error({"lines": problems}) from None
    _totals_save(membership, invoice, new)
    return new


def _totals_save(membership: Membership, invoice: Invoice, lines: list[InvoiceLine]) -> None:
    invoice.compute_totals(lines)
    record_update(
        membership=membership,
        obj=invoice,
        codename=MANAGE,
        changes={
            "subtotal": invoice.subtotal,
            "tax_total": invoice.tax_total,
            "total": invoice.total,
        },
    )


@atomic_write
def invoice_create(
    *,
    membership: Membership,
    customer: Customer,
    lines: Iterable[Mapping[str, Any]] = (),
    currency: str = "",
    issue_date: dt.date | None = None,
    due_date: dt.date | None = None,
    notes: str = "",
) -> Invoice:
    """A new draft invoice for *customer* (in its currency unless another is given), with
    *lines*; totals computed; audited. It has no number until it is issued."""
    invoice = Invoice(
        customer=customer,
        currency=currency or customer.currency,
        issue_date=issue_date,
        due_date=due_date,
        notes=notes or "",
    )
    record_create(
        membership=membership, obj=invoice, codename=MANAGE, check=_check_invoice(membership)
    )
    lines = list(lines or ())
    if lines:
        _lines_replace(membership, invoice, lines)
    return invoice


@atomic_write
def invoice_update(
    *,
    membership: Membership,
    invoice: Invoice,
    lines: Iterable[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> Invoice:
    """Change a draft's fields, and with *lines* replace its lines (totals computed again).
    An issued invoice is refused (``Conflict``, 409): only a credit note or a void changes it."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"invoice_update() cannot change {', '.join(unknown)}.")
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, MANAGE, row)
    _refuse_unless_draft(row)
    if "currency" in changes and not changes["currency"]:
        # None given: the customer's currency (the new customer's, when it changes too).
        customer = changes.get("customer") or row.customer
        changes["currency"] = getattr(customer, "currency", row.currency)
    if changes:
        record_update(
            membership=membership,
            obj=invoice,
            codename=MANAGE,
            changes=changes,
            check=_check_invoice(membership),
        )
    if lines is not None:
        _lines_replace(membership, invoice, list(lines))
    elif "currency" in changes:
        _totals_save(membership, invoice, _lines_of(invoice))
    return invoice


def _lines_of(invoice: Invoice) -> list[InvoiceLine]:
    return list(InvoiceLine.objects.for_tenant(invoice.tenant_id).filter(invoice_id=invoice.pk))


@atomic_write
def invoice_line_add(*, membership: Membership, invoice: Invoice, **line: Any) -> InvoiceLine:
    """One more line on a draft; totals computed again."""
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, MANAGE, row)
    _refuse_unless_draft(row)
    lines = _lines_of(row)
    (new,) = _lines_build(membership, row, [line])
    new.position = max((existing.position for existing in lines), default=-1) + 1
    record_create(membership=membership, obj=new, codename=MANAGE)
    _totals_save(membership, invoice, [*lines, new])
    return new


@atomic_write
def invoice_line_remove(*, membership: Membership, invoice: Invoice, line_id: int) -> None:
    """A line taken off a draft; totals computed again."""
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, MANAGE, row)
    _refuse_unless_draft(row)
    line = row_lock(InvoiceLine, pk=line_id, tenant_id=membership.tenant_id)
    if line.invoice_id != row.pk:
        raise _fields_error({"line": [_("This line is not on this invoice.")]})
    record_delete(membership=membership, obj=line, codename=MANAGE)
    _totals_save(membership, invoice, _lines_of(row))


@atomic_write
def invoice_delete(*, membership: Membership, invoice: Invoice) -> None:
    """Delete a draft (an issued invoice keeps its number: void it instead)."""
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, MANAGE, row)
    _refuse_unless_draft(row)
    record_delete(membership=membership, obj=row, codename=MANAGE)


# -- the invoice's life ----------------------------------------------------------------------


@atomic_write
def invoice_issue(*, membership: Membership, invoice: Invoice) -> Invoice:
    """Issue a draft: it gets the organization's next number, its issue and due dates, and is
    Open (refused without a line or a customer). From now on it is immutable."""
    transition_apply(membership=membership, obj=invoice, transition="issue")
    track(
        membership,
        "invoice.issued",
        {"invoice": invoice.pk, "total": invoice.total, "currency": invoice.currency},
    )
    return invoice


def invoice_void(*, membership: Membership, invoice: Invoice, reason: str = "") -> Invoice:
    """Void an owed invoice on which nothing was paid; its number stays used."""
    values = {"reason": reason} if reason else {}
    transition_apply(membership=membership, obj=invoice, transition="void", **values)
    return invoice


def invoice_mark_uncollectible(
    *, membership: Membership, invoice: Invoice, reason: str = ""
) -> Invoice:
    """Write an open invoice off as uncollectible (a payment may still come and settle it)."""
    values = {"reason": reason} if reason else {}
    transition_apply(membership=membership, obj=invoice, transition="mark_uncollectible", **values)
    return invoice


def invoice_transition(*, membership: Membership, invoice: Invoice, transition: str) -> Invoice:
    """Take *transition* (``issue``, ``settle``, ``void``, ``mark_uncollectible``)."""
    transition_apply(membership=membership, obj=invoice, transition=transition)
    return invoice


def _settle_if_paid(membership: Membership, invoice: Invoice) -> None:
    if invoice.balance == 0 and invoice.status in OWED_STATUSES:
        transition_apply(membership=membership, obj=invoice, transition="settle")
        _tell_paid(membership, invoice)


def _tell_paid(membership: Membership, invoice: Invoice) -> None:
    """After the commit, every active member who issues invoices hears it was paid."""
    members = Membership.objects.for_tenant(invoice.tenant_id).filter(is_active=True)
    for member in members.select_related("role"):
        if policy.can(member, ISSUE):
            notifications.notify_after_commit(
                recipient=member,
                event="billing.invoice_paid",
                title=_("Invoice %(number)s is paid") % {"number": invoice.number or invoice.pk},
                url=reverse("billing:invoice_detail", args=[invoice.pk]),
                actor=membership,
            )


# -- payments and credit notes ------------------------------------------------------------------


def _money(
    value: Any, currency: str, name: str, errors: dict[str, list[str]], *, positive: bool = True
) -> Decimal:
    amount = _decimal(value, name, errors)
    if name in errors:
        return amount
    if positive and amount <= 0:
        errors.setdefault(name, []).append(_("The amount must be above zero."))
    elif quantize(amount, currency) != amount:
        errors.setdefault(name, []).append(
            _("%(currency)s amounts have at most %(digits)s decimals.")
            % {"currency": currency, "digits": minor_units(currency)}
        )
    return amount


@atomic_write
def payment_record(
    *,
    membership: Membership,
    customer: Customer,
    amount: Decimal | str,
    allocations: Sequence[tuple[Invoice | int, Decimal | str] | Mapping[str, Any]] = (),
    currency: str = "",
    received_on: dt.date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    gateway: str = PaymentGateway.MANUAL,
    gateway_id: str | None = None,
) -> Payment:
    """Record a payment of *customer* and allocate it (``(invoice, amount)`` pairs) to its
    owed invoices: never more than an invoice's balance, nor more in all than the payment.
    An invoice whose balance reaches zero becomes Paid. A gateway's payment is recorded once
    (``Conflict`` when its ``gateway_id`` is already known)."""
    policy.require(membership, RECORD_PAYMENT)
    currency = currency or customer.currency
    errors: dict[str, list[str]] = {}
    amount = _money(amount, currency, "amount", errors)
    wanted: dict[int, Decimal] = {}
    for item in allocations:
        target, share = (item["invoice"], item["amount"]) if isinstance(item, Mapping) else item
        pk = target.pk if isinstance(target, Invoice) else int(target)
        value = _money(share, currency, "allocations", errors)
        wanted[pk] = wanted.get(pk, Decimal(0)) + value
    if errors:
        raise _fields_error(errors)
    # The invoices' rows first, by id: one lock order, whoever pays what.
    invoices = {
        pk: row_lock(Invoice, pk=pk, tenant_id=membership.tenant_id) for pk in sorted(wanted)
    }
    problems: list[str] = []
    for pk, share in wanted.items():
        invoice = invoices[pk]
        name = invoice.number or str(invoice)
        if invoice.customer_id != customer.pk:
            problems.append(_("%(invoice)s is another customer's.") % {"invoice": name})
        elif invoice.currency != currency:
            problems.append(
                _("%(invoice)s is in %(currency)s.")
                % {"invoice": name, "currency": invoice.currency}
            )
        elif invoice.status not in OWED_STATUSES:
            problems.append(
                _("%(invoice)s is %(status)s: nothing is owed on it.")
                % {"invoice": name, "status": invoice.get_status_display()}
            )
        elif share > invoice.balance:
            problems.append(
                _("%(share)s is more than the balance of %(invoice)s (%(balance)s).")
                % {"share": share, "invoice": name, "balance": invoice.balance}
            )
    if sum(wanted.values(), Decimal(0)) > amount:
        problems.append(_("The allocations add up to more than the payment."))
    if problems:
        raise _fields_error({"allocations": problems})
    if gateway_id and (
        Payment.objects.for_tenant(membership.tenant_id)
        .filter(gateway=gateway, gateway_id=gateway_id)
        .exists()
    ):
        raise Conflict(
            _("This payment was already recorded."),
            extra={"gateway": gateway, "gateway_id": gateway_id},
        )
    payment = Payment(
        customer=customer,
        currency=currency,
        amount=amount,
        method=method,
        received_on=received_on or timezone.localdate(),
        reference=reference or "",
        gateway=gateway,
        gateway_id=gateway_id or None,
    )
    try:
        record_create(
            membership=membership,
            obj=payment,
            codename=RECORD_PAYMENT,
            check=_check_payment(membership),
        )
    except IntegrityError:
        raise Conflict(_("This payment was already recorded.")) from None
    for pk, share in wanted.items():
        invoice = invoices[pk]
        record_create(
            membership=membership,
            obj=PaymentAllocation(payment=payment, invoice=invoice, amount=share),
            codename=RECORD_PAYMENT,
        )
        record_update(
            membership=membership,
            obj=invoice,
            codename=RECORD_PAYMENT,
            changes={"amount_paid": invoice.amount_paid + share},
        )
        _settle_if_paid(membership, invoice)
    track(
        membership,
        "payment.recorded",
        {"payment": payment.pk, "amount": payment.amount, "currency": payment.currency},
    )
    return payment


def _check_payment(membership: Membership) -> Any:
    def check(payment: Payment, changed: frozenset[str]) -> None:
        if payment.customer.tenant_id != membership.tenant_id:
            raise _fields_error({"customer": [_("Choose a customer of this organization.")]})

    return check


@atomic_write
def invoice_pay(
    *,
    membership: Membership,
    invoice: Invoice,
    amount: Decimal | str | None = None,
    **payment: Any,
) -> Payment:
    """A payment of *invoice*'s customer allocated wholly to *invoice* (its balance unless
    *amount* is given)."""
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, RECORD_PAYMENT, row)
    share = row.balance if amount in (None, "") else amount
    recorded = payment_record(
        membership=membership,
        customer=row.customer,
        currency=row.currency,
        amount=share,
        allocations=[(row, share)],
        **payment,
    )
    invoice.refresh_from_db()
    return recorded


@atomic_write
def credit_note_create(
    *,
    membership: Membership,
    invoice: Invoice,
    amount: Decimal | str,
    reason: str,
    issue_date: dt.date | None = None,
) -> CreditNote:
    """A credit note against an owed invoice: numbered from the organization's credit note
    sequence, never more than the invoice's balance; an invoice credited to zero is settled."""
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, ISSUE, row)
    errors: dict[str, list[str]] = {}
    value = _money(amount, row.currency, "amount", errors)
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the invoice is credited.")]
    if row.status not in OWED_STATUSES:
        errors.setdefault("invoice", []).append(
            _("Only an open or uncollectible invoice can be credited.")
        )
    elif "amount" not in errors and value > row.balance:
        errors["amount"] = [
            _("At most the balance, %(balance)s %(currency)s.")
            % {"balance": row.balance, "currency": row.currency}
        ]
    if errors:
        raise _fields_error(errors)
    issued_on = issue_date or timezone.localdate()
    note = CreditNote(
        invoice=row,
        amount=value,
        reason=reason,
        issue_date=issued_on,
        number=document_number_take(
            tenant_id=membership.tenant_id,
            kind=CounterKind.CREDIT_NOTE,
            pattern=_setting("CREDIT_NOTE_NUMBER", CREDIT_NOTE_NUMBER_PATTERN),
            on=issued_on,
        ),
    )
    record_create(membership=membership, obj=note, codename=ISSUE)
    record_update(
        membership=membership,
        obj=invoice,
        codename=ISSUE,
        changes={"amount_credited": row.amount_credited + value},
    )
    _settle_if_paid(membership, invoice)
    return note


__all__ = [
    "credit_note_create",
    "document_number_take",
    "invoice_create",
    "invoice_delete",
    "invoice_issue",
    "invoice_line_add",
    "invoice_line_remove",
    "invoice_mark_uncollectible",
    "invoice_pay",
    "invoice_transition",
    "invoice_update",
    "invoice_void",
    "payment_record",
]
