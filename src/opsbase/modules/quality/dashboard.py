"""The dashboard's NCR figures: open now, raised in a period."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from opsbase.kernel.policy import policy
from opsbase.web.dashboard import KpiValue, Period

from .constants import OPEN_STATES, VIEW
from .models import Ncr


def ncr_kpis(membership: Any, period: Period) -> dict[str, KpiValue]:
    """NCRs open now, and raised in *period* and the one before (fewer is better). One
    query."""
    start, after = period.bounds()
    before_start, before_after = period.previous().bounds()
    ncrs = policy.scope(membership, VIEW, Ncr.objects.for_tenant(membership.tenant_id))
    figures = ncrs.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        raised=Count("pk", filter=Q(created_at__gte=start, created_at__lt=after)),
        raised_before=Count(
            "pk", filter=Q(created_at__gte=before_start, created_at__lt=before_after)
        ),
    )
    return {
        "open": KpiValue(figures["open"]),
        "raised": KpiValue(figures["raised"], figures["raised_before"]),
    }
