"""Reads of billing: the row specifications of invoices, payments and credit notes, and the
lists, lines and counts of the caller's organization."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import (
    Choice,
    Computed,
    Date,
    DateTime,
    LongText,
    Money,
    Number,
    RowFormat,
    RowSpec,
    Text,
)
from opsbase.kit.selectors import record_get_for, record_list

from .constants import OWED_STATUSES, STATUS_BADGES, VIEW, InvoiceStatus
from .models import BillingProfile, CreditNote, Invoice, InvoiceLine, Payment, PaymentAllocation
from .money import quantize

_OWED = frozenset(str(s) for s in OWED_STATUSES)


class RecordLink(Text):
    """A text as the link to its record, with words of its own when it is empty (a draft's
    number: "Draft"; a payment without a reference: "Payment")."""

    def __init__(self, name: str, label: Any = None, *, empty: Any, **kwargs: Any) -> None:
        self.empty = empty
        super().__init__(name, label, **kwargs)

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> SafeString:
        return format_html(
            '<a href="{}" data-testid="{}-link">{}</a>',
            fmt.url("detail", row["id"]),
            fmt.spec.prefix,
            row[self.source] or self.empty,
        )


class StatusBadge(Choice):
    """The invoice's state as a badge. Its moves are the page's buttons, not a menu on each
    list row: the moves of a draft ask whether it has lines, a query per row."""

    def cell(self, row: Mapping[str, Any], fmt: RowFormat, error: str = "") -> SafeString:
        badge = super().cell(row, fmt)
        if not error:
            return badge
        return format_html('{}<div class="small text-danger" role="alert">{}</div>', badge, error)


def _balance(row: Mapping[str, Any], fmt: RowFormat | None = None) -> Decimal:
    owed = Decimal(row["total"]) - Decimal(row["amount_paid"]) - Decimal(row["amount_credited"])
    return quantize(owed, row["currency"])


def _overdue(row: Mapping[str, Any], fmt: RowFormat) -> bool:
    due = row["due_date"]
    return bool(due and row["status"] in _OWED and due < fmt.today)


def _money_field() -> serializers.Field:
    return serializers.DecimalField(max_digits=18, decimal_places=3, read_only=True)


INVOICE_ROWS = RowSpec(
    Invoice,
    columns=[
        Number("id", table=False, detail=False),
        RecordLink("number", _("Number"), empty=_("Draft"), detail=False),
        Number("customer", source="customer_id", table=False, detail=False),
        Text("customer_name", _("Customer"), source="customer__name"),
        StatusBadge("status", badges=STATUS_BADGES, label_key="status_label"),
        Text("currency", _("Currency"), table=False),
        Date("issue_date", table_label=_("Issued")),
        Date("due_date", table_label=_("Due"), flag="is_overdue", testid="due"),
        Computed("is_overdue", _overdue, _("Overdue")),
        Money("subtotal", table=False),
        Money("tax_total", table=False),
        Money("total", td_class="text-end"),
        Money("amount_paid", table=False),
        Money("amount_credited", table=False),
        Computed(
            "balance",
            lambda row, fmt: str(_balance(row)),
            _("Balance"),
            field=_money_field(),
            table=True,
            detail=True,
            csv=True,
            td_class="text-end",
        ),
        LongText("notes"),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "created_at": "created_at",
        "issue_date": "issue_date",
        "due_date": "due_date",
        "number": "number",
        "total": "total",
        "status": "status",
    },
    default_sort="-created_at",
)
INVOICE_RELATED = ("customer",)

PAYMENT_ROWS = RowSpec(
    Payment,
    columns=[
        Number("id", table=False, detail=False),
        Date("received_on"),
        Number("customer", source="customer_id", table=False, detail=False),
        Text("customer_name", _("Customer"), source="customer__name"),
        Money("amount", td_class="text-end"),
        Text("currency", _("Currency")),
        Choice("method"),
        RecordLink("reference", empty=_("Payment")),
        Choice("gateway", table=False),
        Text("gateway_id", table=False, hide_empty=True),
        DateTime("created_at", table=False),
    ],
    sorts={"received_on": "received_on", "amount": "amount", "created_at": "created_at"},
    default_sort="-received_on",
)

CREDIT_NOTE_ROWS = RowSpec(
    CreditNote,
    columns=[
        Number("id", table=False, detail=False),
        RecordLink("number", _("Number"), empty=_("Draft"), detail=False),
        Number("invoice", source="invoice_id", table=False, detail=False),
        Text("invoice_number", _("Invoice"), source="invoice__number"),
        Text("customer_name", _("Customer"), source="invoice__customer__name"),
        Money("amount", td_class="text-end", currency="invoice__currency"),
        Text("currency", _("Currency"), source="invoice__currency"),
        Date("issue_date"),
        LongText("reason"),
        DateTime("created_at", table=False),
    ],
    sorts={"issue_date": "issue_date", "amount": "amount", "created_at": "created_at"},
    default_sort="-issue_date",
)


def invoice_list(*, membership: Membership) -> QuerySet[Invoice]:
    """Invoices of *membership*'s organization (``billing.view``), newest first."""
    invoices = record_list(Invoice, membership=membership, codename=VIEW, related=INVOICE_RELATED)
    return INVOICE_ROWS.order(invoices, [INVOICE_ROWS.default_sort])


def invoice_get_for(*, membership: Membership, pk: Any) -> Invoice:
    """Invoice *pk* of *membership*'s organization (404 for another's), its customer joined."""
    return record_get_for(
        Invoice, membership=membership, pk=pk, codename=VIEW, related=INVOICE_RELATED
    )


def invoice_lines(*, invoice: Invoice) -> list[InvoiceLine]:
    """*invoice*'s lines in order, each knowing its invoice (no query per line)."""
    lines = list(
        InvoiceLine.objects.for_tenant(invoice.tenant_id)
        .filter(invoice_id=invoice.pk)
        .order_by("position", "pk")
    )
    for line in lines:
        line.invoice = invoice
    return lines


def invoice_allocations(*, invoice: Invoice) -> list[PaymentAllocation]:
    """The payments allocated to *invoice*, oldest first."""
    return list(
        PaymentAllocation.objects.for_tenant(invoice.tenant_id)
        .filter(invoice_id=invoice.pk)
        .select_related("payment")
        .order_by("payment__received_on", "pk")
    )


def invoice_credit_notes(*, invoice: Invoice) -> list[CreditNote]:
    return list(
        CreditNote.objects.for_tenant(invoice.tenant_id)
        .filter(invoice_id=invoice.pk)
        .order_by("issue_date", "pk")
    )


def invoice_filter_overdue(invoices: QuerySet[Invoice], overdue: bool | None) -> QuerySet[Invoice]:
    """Owed invoices past their due date (``True``), or every other one (``False``)."""
    if overdue is None:
        return invoices
    late = Q(status__in=OWED_STATUSES, due_date__lt=timezone.localdate())
    return invoices.filter(late) if overdue else invoices.exclude(late)


def invoice_totals(invoices: QuerySet[Invoice]) -> list[dict[str, Any]]:
    """The totals and balances of *invoices*, per currency: one query."""
    rows = (
        invoices.order_by()
        .values("currency")
        .annotate(
            count=Count("pk"),
            invoiced=Sum("total"),
            owed=Sum(F("total") - F("amount_paid") - F("amount_credited")),
        )
        .order_by("currency")
    )
    return [
        {
            **row,
            "invoiced": quantize(row["invoiced"] or 0, row["currency"]),
            "owed": quantize(row["owed"] or 0, row["currency"]),
        }
        for row in rows
    ]


def invoice_counts(*, membership: Membership) -> dict[str, int]:
    """How many invoices are open, overdue, and paid this month; one query."""
    today = timezone.localdate()
    invoices = policy.scope(membership, VIEW, Invoice.objects.for_tenant(membership.tenant_id))
    return invoices.aggregate(
        issued=Count("pk", filter=Q(issue_date__year=today.year, issue_date__month=today.month)),
        open=Count("pk", filter=Q(status__in=OWED_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OWED_STATUSES, due_date__lt=today)),
        paid=Count("pk", filter=Q(status=InvoiceStatus.PAID)),
    )


def payment_list(*, membership: Membership) -> QuerySet[Payment]:
    payments = record_list(Payment, membership=membership, codename=VIEW, related=("customer",))
    return PAYMENT_ROWS.order(payments, [PAYMENT_ROWS.default_sort])


def credit_note_list(*, membership: Membership) -> QuerySet[CreditNote]:
    notes = record_list(
        CreditNote, membership=membership, codename=VIEW, related=("invoice__customer",)
    )
    return CREDIT_NOTE_ROWS.order(notes, [CREDIT_NOTE_ROWS.default_sort])


def payment_allocations(*, payment: Payment) -> list[PaymentAllocation]:
    """The invoices *payment* was allocated to."""
    return list(
        PaymentAllocation.objects.for_tenant(payment.tenant_id)
        .filter(payment_id=payment.pk)
        .select_related("invoice")
        .order_by("pk")
    )


def billing_profile_get(*, tenant_id: int) -> BillingProfile:
    """The organization's billing profile; an unsaved empty one when it set none."""
    profile = BillingProfile.objects.for_tenant(tenant_id).first()
    return profile if profile is not None else BillingProfile(tenant_id=tenant_id)


#: A customer link's key: what ``secrets.token_urlsafe(32)`` gives.
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def invoice_by_link_token(*, key: str) -> Invoice | None:
    """The invoice whose customer link is *key* (any organization's: the key is the
    credential), None for an unknown, revoked or malformed key, a draft or a void invoice."""
    from opsbase.core.rls import rls_bypass

    if not 32 <= len(key) <= 64 or not set(key) <= _KEY_CHARS:
        return None
    with rls_bypass():
        invoice = (
            Invoice.objects.unscoped()
            .filter(link_token=key)
            .exclude(status__in=(InvoiceStatus.DRAFT, InvoiceStatus.VOID))
            .select_related("tenant", "customer")
            .first()
        )
    return invoice


def _month_start(day: Any, back: int) -> Any:
    """The first day of the month *back* months before *day*'s (-1: the next month)."""
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return day.replace(year=year, month=month + 1, day=1)


_MONTH_FIGURES = ("issued", "paid", "outstanding", "overdue")


def invoice_month_figures(*, membership: Membership, months: int = 2) -> list[dict[str, Any]]:
    """This month's billing and the *months* - 1 before it, newest first; each month:
    ``issued`` (invoices issued in it), ``paid`` (money allocated to invoices from payments
    received in it), ``outstanding`` (those issued in it still owed) and ``overdue`` (of
    those, past due), each ``{"count": n, "amounts": {currency: Decimal}}``. Two queries a
    month."""
    today = timezone.localdate()
    invoices = policy.scope(membership, VIEW, Invoice.objects.for_tenant(membership.tenant_id))
    allocations = PaymentAllocation.objects.for_tenant(membership.tenant_id)
    owed = Q(status__in=OWED_STATUSES)
    late = owed & Q(due_date__lt=today)
    balance = F("total") - F("amount_paid") - F("amount_credited")
    figures: list[dict[str, Any]] = []
    for back in range(months):
        start = _month_start(today, back)
        end = _month_start(today, back - 1)
        month: dict[str, Any] = {
            "month": start,
            **{k: {"count": 0, "amounts": {}} for k in _MONTH_FIGURES},
        }
        rows = (
            invoices.filter(issue_date__gte=start, issue_date__lt=end)
            .exclude(status__in=(InvoiceStatus.DRAFT, InvoiceStatus.VOID))
            .order_by()
            .values("currency")
            .annotate(
                issued=Count("pk"),
                issued_amount=Sum("total"),
                outstanding=Count("pk", filter=owed),
                outstanding_amount=Sum(balance, filter=owed),
                overdue=Count("pk", filter=late),
                overdue_amount=Sum(balance, filter=late),
            )
        )
        for row in rows:
            currency = row["currency"]
            for key in ("issued", "outstanding", "overdue"):
                if row[key]:
                    month[key]["count"] += row[key]
                    month[key]["amounts"][currency] = quantize(row[f"{key}_amount"] or 0, currency)
        paid = (
            allocations.filter(payment__received_on__gte=start, payment__received_on__lt=end)
            .order_by()
            .values("invoice__currency")
            .annotate(count=Count("invoice_id", distinct=True), amount=Sum("amount"))
        )
        for row in paid:
            currency = row["invoice__currency"]
            month["paid"]["count"] += row["count"]
            month["paid"]["amounts"][currency] = quantize(row["amount"] or 0, currency)
        figures.append(month)
    return figures
