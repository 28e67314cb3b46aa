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
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
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
    VIEW,
    CounterKind,
    InvoiceStatus,
    PaymentGateway,
    PaymentMethod,
)
from .models import (
    REMINDER_OFFSETS,
    BillingProfile,
    CreditNote,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    InvoiceReminder,
    Payment,
    PaymentAllocation,
    reminder_offsets_parse,
)
from .money import minor_units, quantize
from .selectors import billing_profile_get

logger = logging.getLogger(__name__)

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


def payment_terms_days(tenant_id: int) -> int:
    """Days between issue and due date: the organization's billing profile, else the setting."""
    profile = billing_profile_get(tenant_id=tenant_id)
    if profile.payment_terms_days is not None:
        return int(profile.payment_terms_days)
    return int(_setting("PAYMENT_TERMS_DAYS", PAYMENT_TERMS_DAYS))


def link_token_new() -> str:
    """A fresh key for an invoice's customer link: 256 random bits (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def invoice_issue_effects(invoice: Invoice, membership: Membership) -> dict[str, Any]:
    """What issuing sets besides the state: the next number, the issue date (today unless
    given), the due date (after the payment terms unless given) and the customer's link.
    Runs under the invoice's lock, inside the issue's transaction."""
    issued_on = invoice.issue_date or timezone.localdate()
    terms = payment_terms_days(invoice.tenant_id)
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
        "link_token": invoice.link_token or link_token_new(),
    }


def invoice_void_effects(invoice: Invoice, membership: Membership) -> dict[str, Any]:
    """A void invoice's customer link stops working."""
    return {"link_token": None}


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


# -- the billing profile -------------------------------------------------------------------------

PROFILE_FIELDS = (
    "legal_name",
    "address",
    "tax_id",
    "email",
    "sender_name",
    "logo",
    "payment_terms_days",
    "reminder_offsets",
)


@atomic_write
def billing_profile_update(
    *, membership: Membership, clear_logo: bool = False, **changes: Any
) -> BillingProfile:
    """Change how the organization appears on its invoices (``billing.manage``): made on the
    first change, validated (a logo is a PNG or JPEG of at most 512 KB), audited. A logo
    given replaces the old one; *clear_logo* removes it."""
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise TypeError(f"billing_profile_update() cannot change {', '.join(unknown)}.")
    policy.require(membership, MANAGE)
    if not changes.get("logo"):
        changes.pop("logo", None)
    if clear_logo and "logo" not in changes:
        changes["logo"] = ""
    existing = BillingProfile.objects.for_tenant(membership.tenant_id).first()
    if existing is None:
        profile = BillingProfile(**changes)
        record_create(membership=membership, obj=profile, codename=MANAGE)
        return profile
    old_logo = existing.logo.name if existing.logo else ""
    record_update(membership=membership, obj=existing, codename=MANAGE, changes=changes)
    if old_logo and "logo" in changes:
        storage = existing.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return existing


def reminder_offsets_for(tenant_id: int) -> tuple[int, ...]:
    """The days (from the due date) on which the organization's customers are reminded."""
    profile = billing_profile_get(tenant_id=tenant_id)
    if profile.reminder_offsets.strip():
        return reminder_offsets_parse(profile.reminder_offsets)
    return tuple(sorted(_setting("REMINDER_OFFSETS", REMINDER_OFFSETS)))


# -- the customer's link and e-mails ---------------------------------------------------------------


def _refuse_unless_sendable(invoice: Invoice) -> None:
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        raise Conflict(
            _("Only an issued invoice that is not void can be shared with the customer."),
            extra={"status": invoice.status},
        )


@atomic_write
def invoice_link_rotate(*, membership: Membership, invoice: Invoice) -> str:
    """Give *invoice* a new customer link (``billing.issue``); the old one stops working at
    once. Audited (the key itself is masked). The new key."""
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, ISSUE, row)
    _refuse_unless_sendable(row)
    key = link_token_new()
    record_update(membership=membership, obj=invoice, codename=ISSUE, changes={"link_token": key})
    return key


def site_url_default() -> str:
    """Where links in e-mails sent by jobs point: ``OPSBASE_BILLING_SITE_URL``, else the
    first plain host of ``ALLOWED_HOSTS`` over https."""
    configured = str(_setting("SITE_URL", "") or "")
    if configured:
        return configured.rstrip("/")
    for host in getattr(settings, "ALLOWED_HOSTS", ()):
        if host and "*" not in host and not host.startswith("."):
            return f"https://{host}"
    return ""


def _email_queue(
    tenant_id: int, invoice_id: int, to: str, site_url: str, offset: int | None = None
) -> None:
    """After the commit, queue the e-mail job (the job renders the PDF and sends)."""

    def queue() -> None:
        from opsbase.core.context import tenant_context

        from .tasks import invoice_email

        try:
            with tenant_context(tenant_id):
                invoice_email.delay(invoice_id, to, site_url, offset)
        except Exception:
            # The send is audited; say which e-mail a broker outage lost.
            logger.exception("Invoice e-mail for invoice %s not queued.", invoice_id)

    transaction.on_commit(queue)


@atomic_write
def invoice_send(
    *, membership: Membership, invoice: Invoice, to: str = "", site_url: str = ""
) -> str:
    """E-mail *invoice* to its customer (or to *to*) with its PDF attached and its link
    (``billing.issue``; an issued invoice that is not void). Queued after the commit by a
    Celery job; audited (``invoice.sent``). The address it goes to."""
    from django.core.validators import validate_email

    from opsbase.kernel.audit.services import audit_event

    row = row_lock(Invoice, pk=invoice.pk, tenant_id=membership.tenant_id)
    policy.require(membership, ISSUE, row)
    _refuse_unless_sendable(row)
    address = (to or row.customer.email or "").strip()
    try:
        validate_email(address)
    except Exception:
        message = (
            _("Enter a valid e-mail address.")
            if address
            else _("The customer has no e-mail address; enter one.")
        )
        raise _fields_error({"to": [message]}) from None
    if not row.link_token:
        record_update(
            membership=membership,
            obj=row,
            codename=ISSUE,
            changes={"link_token": link_token_new()},
        )
    audit_event(
        tenant=membership.tenant_id,
        actor=membership.user_id,
        action="invoice.sent",
        target=row,
        changes={"to": ("", address)},
    )
    _email_queue(row.tenant_id, row.pk, address, site_url or site_url_default())
    return address


# -- jobs: overdue invoices and reminders ---------------------------------------------------------


def _acting_admin(tenant_id: int) -> Membership | None:
    """Whom a job's audit events name: the organization's first active Admin."""
    from opsbase.kernel.roles.constants import RoleKind

    return (
        Membership.objects.for_tenant(tenant_id)
        .filter(is_active=True, role__kind=RoleKind.ADMIN)
        .select_related("role", "user")
        .order_by("pk")
        .first()
    )


def _tell_overdue(actor: Membership, invoice: Invoice) -> None:
    members = Membership.objects.for_tenant(invoice.tenant_id).filter(is_active=True)
    for member in members.select_related("role"):
        if policy.can(member, ISSUE):
            notifications.notify_after_commit(
                recipient=member,
                event="billing.invoice_overdue",
                title=_("Invoice %(number)s is overdue") % {"number": invoice.number},
                body=_("%(customer)s owes %(balance)s %(currency)s since %(due)s.")
                % {
                    "customer": invoice.customer.name,
                    "balance": invoice.balance,
                    "currency": invoice.currency,
                    "due": invoice.due_date,
                },
                url=reverse("billing:invoice_detail", args=[invoice.pk]),
            )


def _open_invoices(**filters: Any) -> list[Invoice]:
    from opsbase.core.rls import rls_bypass

    with rls_bypass():
        return list(
            Invoice.objects.unscoped()
            .filter(status=InvoiceStatus.OPEN, due_date__isnull=False, **filters)
            .select_related("customer")
            .order_by("tenant_id", "pk")
        )


def invoices_overdue_flag(*, today: dt.date | None = None) -> int:
    """Mark every open invoice past its due date overdue (``overdue_since``) and tell the
    organization's billing team, once per invoice however often it runs (Celery beat). How
    many were flagged now."""
    from opsbase.core.context import tenant_context

    today = today or timezone.localdate()
    flagged = 0
    for invoice in _open_invoices(due_date__lt=today, overdue_since__isnull=True):
        with tenant_context(invoice.tenant_id):
            actor = _acting_admin(invoice.tenant_id)
            if actor is None:
                continue
            flagged += _overdue_flag_one(actor, invoice, today)
    return flagged


@atomic_write
def _overdue_flag_one(actor: Membership, invoice: Invoice, today: dt.date) -> int:
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=invoice.tenant_id)
    if row.status != InvoiceStatus.OPEN or row.overdue_since is not None:
        return 0  # paid, voided or flagged meanwhile
    record_update(membership=actor, obj=row, codename=VIEW, changes={"overdue_since": today})
    row.customer = invoice.customer
    _tell_overdue(actor, row)
    return 1


#: A reminder whose day passed while the job did not run is still sent this many days later.
REMINDER_CATCH_UP_DAYS = 3


def invoice_reminders_send(*, today: dt.date | None = None, site_url: str = "") -> int:
    """E-mail the customer of every open invoice on each of its organization's reminder days
    (``-3``: three days before the due date; ``7``: a week after), each reminder once per
    invoice and day offset however often it runs: a ``InvoiceReminder`` row is written in the
    same transaction as the e-mail is queued. How many were queued."""
    from opsbase.core.context import tenant_context

    today = today or timezone.localdate()
    site_url = site_url or site_url_default()
    offsets_of: dict[int, tuple[int, ...]] = {}
    queued = 0
    for invoice in _open_invoices(customer__email__gt=""):
        assert invoice.due_date is not None  # noqa: S101 - filtered above
        with tenant_context(invoice.tenant_id):
            if invoice.tenant_id not in offsets_of:
                offsets_of[invoice.tenant_id] = reminder_offsets_for(invoice.tenant_id)
            due = [
                offset
                for offset in offsets_of[invoice.tenant_id]
                if 0
                <= (today - (invoice.due_date + dt.timedelta(days=offset))).days
                <= REMINDER_CATCH_UP_DAYS
            ]
            if not due:
                continue
            actor = _acting_admin(invoice.tenant_id)
            if actor is None:
                continue
            queued += _reminder_send_one(actor, invoice, due, today, site_url)
    return queued


@atomic_write
def _reminder_send_one(
    actor: Membership, invoice: Invoice, due: list[int], today: dt.date, site_url: str
) -> int:
    """The latest reminder due, once; earlier ones due at the same time are marked sent too
    (a customer gets one e-mail, not a burst)."""
    row = row_lock(Invoice, pk=invoice.pk, tenant_id=invoice.tenant_id)
    if row.status != InvoiceStatus.OPEN or row.balance <= 0:
        return 0
    done = set(
        InvoiceReminder.objects.for_tenant(row.tenant_id)
        .filter(invoice_id=row.pk, offset_days__in=due)
        .values_list("offset_days", flat=True)
    )
    fresh = [offset for offset in due if offset not in done]
    if not fresh:
        return 0
    to = invoice.customer.email
    for offset in fresh:
        record_create(
            membership=actor,
            obj=InvoiceReminder(invoice=row, offset_days=offset, sent_on=today, to=to),
            codename=VIEW,
        )
    if not row.link_token:
        record_update(
            membership=actor, obj=row, codename=VIEW, changes={"link_token": link_token_new()}
        )
    _email_queue(row.tenant_id, row.pk, to, site_url, max(fresh))
    return 1


__all__ = [
    "billing_profile_update",
    "credit_note_create",
    "document_number_take",
    "invoice_create",
    "invoice_delete",
    "invoice_issue",
    "invoice_line_add",
    "invoice_link_rotate",
    "invoice_reminders_send",
    "invoice_send",
    "invoices_overdue_flag",
    "invoice_line_remove",
    "invoice_mark_uncollectible",
    "invoice_pay",
    "invoice_transition",
    "invoice_update",
    "invoice_void",
    "payment_record",
]
