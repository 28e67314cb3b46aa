"""The dashboard's work order figures: in progress now, completed in a period."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from opsbase.kernel.policy import policy
from opsbase.web.dashboard import KpiValue, Period

from .constants import VIEW, WorkOrderState
from .models import WorkOrder


def workorder_kpis(membership: Any, period: Period) -> dict[str, KpiValue]:
    """Work orders in progress now (no earlier figure to compare with), and completed in
    *period* and the one before. One query."""
    start, after = period.bounds()
    before_start, before_after = period.previous().bounds()
    orders = policy.scope(membership, VIEW, WorkOrder.objects.for_tenant(membership.tenant_id))
    figures = orders.aggregate(
        running=Count("pk", filter=Q(state=WorkOrderState.IN_PROGRESS)),
        done=Count("pk", filter=Q(completed_at__gte=start, completed_at__lt=after)),
        done_before=Count(
            "pk", filter=Q(completed_at__gte=before_start, completed_at__lt=before_after)
        ),
    )
    return {
        "running": KpiValue(figures["running"]),
        "completed": KpiValue(figures["done"], figures["done_before"]),
    }
