"""The dashboard's revenue figures: issued, paid and outstanding, and revenue by month.

Amounts are summed in one currency: the one most of the organization's invoices use (an
organization invoicing in several shows its main one; the others are left out rather than
added to it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy
from opsbase.web.dashboard import ChartData, KpiValue, Period, Series

from .constants import DEFAULT_CURRENCY, VIEW, InvoiceStatus
from .models import CreditNote, Invoice, Payment, PaymentAllocation
from .money import quantize

#: Invoices that count as revenue once issued (a draft is not issued, a void one is undone).
ISSUED = (InvoiceStatus.OPEN, InvoiceStatus.PAID, InvoiceStatus.UNCOLLECTIBLE)
ZERO = Decimal("0")


def _scoped(membership: Any, model: Any) -> Any:
    return policy.scope(membership, VIEW, model.objects.for_tenant(membership.tenant_id))


def _currency(invoices: Any) -> str:
    top = (
        invoices.order_by()
        .values_list("currency")
        .annotate(n=Count("pk"))
        .order_by("-n", "currency")
        .first()
    )
    return top[0] if top else DEFAULT_CURRENCY


def revenue_kpis(membership: Any, period: Period) -> dict[str, KpiValue]:
    """Revenue issued and paid in *period* and the one before, and what was outstanding at
    the end of each (issued up to then, less what was paid and credited up to then)."""
    before = period.previous()
    invoices = _scoped(membership, Invoice).filter(status__in=ISSUED)
    currency = _currency(invoices)
    invoices = invoices.filter(currency=currency)
    now = Q(issue_date__gte=period.start, issue_date__lte=period.end)
    then = Q(issue_date__gte=before.start, issue_date__lte=before.end)
    issued = invoices.aggregate(
        now=Sum("total", filter=now),
        then=Sum("total", filter=then),
        to_end=Sum("total", filter=Q(issue_date__lte=period.end)),
        to_before=Sum("total", filter=Q(issue_date__lte=before.end)),
    )
    paid = (
        _scoped(membership, Payment)
        .filter(currency=currency)
        .aggregate(
            now=Sum("amount", filter=Q(received_on__gte=period.start, received_on__lte=period.end)),
            then=Sum(
                "amount", filter=Q(received_on__gte=before.start, received_on__lte=before.end)
            ),
        )
    )
    applied = (
        PaymentAllocation.objects.for_tenant(membership.tenant_id)
        .filter(invoice__in=invoices.filter(issue_date__lte=period.end))
        .aggregate(
            to_end=Sum("amount", filter=Q(payment__received_on__lte=period.end)),
            to_before=Sum(
                "amount",
                filter=Q(payment__received_on__lte=before.end, invoice__issue_date__lte=before.end),
            ),
        )
    )
    credited = (
        CreditNote.objects.for_tenant(membership.tenant_id)
        .filter(invoice__in=invoices.filter(issue_date__lte=period.end))
        .aggregate(
            to_end=Sum("amount", filter=Q(issue_date__lte=period.end)),
            to_before=Sum(
                "amount", filter=Q(issue_date__lte=before.end, invoice__issue_date__lte=before.end)
            ),
        )
    )

    def owed(key: str) -> Decimal:
        return (issued[key] or ZERO) - (applied[key] or ZERO) - (credited[key] or ZERO)

    def money(value: Any) -> Decimal:
        return quantize(value or ZERO, currency)

    return {
        "issued": KpiValue(money(issued["now"]), money(issued["then"]), currency),
        "paid": KpiValue(money(paid["now"]), money(paid["then"]), currency),
        "outstanding": KpiValue(money(owed("to_end")), money(owed("to_before")), currency),
    }


def revenue_by_month(membership: Any, period: Period) -> ChartData:
    """Per month the period touches: invoiced (issued) and received (payments)."""
    invoices = _scoped(membership, Invoice).filter(status__in=ISSUED)
    currency = _currency(invoices)
    months = period.months()
    first = months[0]
    issued = dict(
        invoices.filter(currency=currency, issue_date__gte=first, issue_date__lte=period.end)
        .annotate(month=TruncMonth("issue_date"))
        .order_by()
        .values_list("month")
        .annotate(total=Sum("total"))
        .values_list("month", "total")
    )
    received = dict(
        _scoped(membership, Payment)
        .filter(currency=currency, received_on__gte=first, received_on__lte=period.end)
        .annotate(month=TruncMonth("received_on"))
        .order_by()
        .values_list("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )

    def month_of(key: Any) -> Any:
        return key.date() if hasattr(key, "date") else key

    issued = {month_of(k): v for k, v in issued.items()}
    received = {month_of(k): v for k, v in received.items()}
    return ChartData(
        labels=[month.strftime("%Y-%m") for month in months],
        series=[
            Series(
                _("Invoiced"), [quantize(issued.get(month, ZERO), currency) for month in months]
            ),
            Series(
                _("Received"), [quantize(received.get(month, ZERO), currency) for month in months]
            ),
        ],
        unit=currency,
    )
