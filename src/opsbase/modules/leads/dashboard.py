"""The dashboard's lead figures: new leads, conversion, and the funnel of a period's leads."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from opsbase.web.dashboard import ChartData, KpiValue, Period, Series

from .constants import StageKind
from .selectors import lead_list, pipeline_default


def _rate(won: int, closed: int) -> float | None:
    return round(100 * won / closed, 1) if closed else None


def lead_kpis(membership: Any, period: Period) -> dict[str, KpiValue]:
    """New leads in *period* and the one before, and the conversion: the share of the leads
    closed in each period that were won. One query."""
    before = period.previous()
    start, after = period.bounds()
    before_start, before_after = before.bounds()
    now = Q(created_at__gte=start, created_at__lt=after)
    then = Q(created_at__gte=before_start, created_at__lt=before_after)
    closed_now = Q(closed_at__gte=start, closed_at__lt=after)
    closed_then = Q(closed_at__gte=before_start, closed_at__lt=before_after)
    won = Q(stage__kind=StageKind.WON)
    final = Q(stage__kind__in=(StageKind.WON, StageKind.LOST))
    figures = (
        lead_list(membership=membership)
        .order_by()
        .aggregate(
            new=Count("pk", filter=now),
            new_before=Count("pk", filter=then),
            won=Count("pk", filter=closed_now & won),
            closed=Count("pk", filter=closed_now & final),
            won_before=Count("pk", filter=closed_then & won),
            closed_before=Count("pk", filter=closed_then & final),
        )
    )
    return {
        "new": KpiValue(figures["new"], figures["new_before"]),
        "conversion": KpiValue(
            _rate(figures["won"], figures["closed"]),
            _rate(figures["won_before"], figures["closed_before"]),
        ),
    }


def lead_funnel_chart(membership: Any, period: Period) -> ChartData:
    """The leads that came in during *period*, by the stage of the default pipeline they are
    in now, in the pipeline's order. Two queries."""
    start, after = period.bounds()
    pipeline = pipeline_default(tenant_id=membership.tenant_id)
    leads = (
        lead_list(membership=membership)
        .order_by()
        .filter(pipeline=pipeline, created_at__gte=start, created_at__lt=after)
    )
    counts = dict(leads.values_list("stage_id").annotate(n=Count("pk")))
    stages = list(pipeline.stages.all())
    return ChartData(
        labels=[stage.name for stage in stages],
        series=[Series(_("Leads"), [counts.get(stage.pk, 0) for stage in stages])],
    )
