"""The dashboard's quality figures: NCRs open now and raised in a period; first-pass yield
per week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.kernel.policy import policy
from opsbase.web.dashboard import ChartData, KpiValue, Period, Series

from .constants import OPEN_STATES, VIEW, VIEW_INSPECTION, InspectionResult
from .models import Inspection, Ncr


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


SUBJECT_FIELDS = ("drill_bit_id", "work_order_id", "item_id", "location_id")


def first_pass_yield_per_week(membership: Any, period: Period) -> ChartData:
    """Of the subjects (a drill bit, a work order, an item at a location) first inspected in
    each week the period touches, the share that passed that first inspection, in percent;
    a week with no first inspection shows none. Two queries: the period's inspections, then
    which of their subjects had been inspected before it."""
    start, after = period.bounds()
    inspections = policy.scope(
        membership, VIEW_INSPECTION, Inspection.objects.for_tenant(membership.tenant_id)
    )
    rows = list(
        inspections.filter(inspected_at__gte=start, inspected_at__lt=after)
        .order_by("inspected_at", "pk")
        .values_list(*SUBJECT_FIELDS, "result", "inspected_at")
    )
    subjects = {row[:4] for row in rows}
    bits, orders, items = ({subject[n] for subject in subjects} - {None} for n in range(3))
    earlier = Q(drill_bit_id__in=bits) | Q(work_order_id__in=orders) | Q(item_id__in=items)
    seen = set(
        inspections.filter(earlier, inspected_at__lt=start).values_list(*SUBJECT_FIELDS)
    )  # no query when the period has no inspection: every list is empty
    first: dict[Any, list[int]] = {}  # week -> [passed, inspected]
    zone = timezone.get_current_timezone()
    for *subject, result, inspected_at in rows:
        key = tuple(subject)
        if key in seen:
            continue
        seen.add(key)
        day = timezone.localtime(inspected_at, zone).date()
        counts = first.setdefault(day - timedelta(days=day.weekday()), [0, 0])
        counts[0] += result == InspectionResult.PASSED
        counts[1] += 1
    weeks = period.weeks()
    return ChartData(
        labels=[week.isoformat() for week in weeks],
        series=[
            Series(
                _("First-pass yield"),
                [
                    round(100 * first[week][0] / first[week][1], 1) if week in first else None
                    for week in weeks
                ],
            )
        ],
        unit="%",
    )
