"""The dashboard's task figures: open and overdue at the end of a period, done per week."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy
from opsbase.web.dashboard import ChartData, KpiValue, Period, Series

from .constants import VIEW, TaskStatus
from .models import Task


def _tasks(membership: Any):
    return policy.scope(membership, VIEW, Task.objects.for_tenant(membership.tenant_id)).exclude(
        status=TaskStatus.CANCELLED
    )


def _open_at(after) -> Q:
    """Open when the day before *after* ended: made before, not completed before."""
    not_done = Q(completed_at__isnull=True) & ~Q(status=TaskStatus.DONE)
    return Q(created_at__lt=after) & (not_done | Q(completed_at__gte=after))


def task_kpis(membership: Any, period: Period) -> dict[str, KpiValue]:
    """Open and overdue tasks at the end of *period* and of the one before, and tasks done in
    each: one query."""
    before = period.previous()
    start, after = period.bounds()
    before_start, before_after = before.bounds()
    figures = _tasks(membership).aggregate(
        open=Count("pk", filter=_open_at(after)),
        open_before=Count("pk", filter=_open_at(before_after)),
        overdue=Count("pk", filter=_open_at(after) & Q(due_date__lt=period.end)),
        overdue_before=Count("pk", filter=_open_at(before_after) & Q(due_date__lt=before.end)),
        done=Count("pk", filter=Q(completed_at__gte=start, completed_at__lt=after)),
        done_before=Count(
            "pk", filter=Q(completed_at__gte=before_start, completed_at__lt=before_after)
        ),
    )
    return {
        name: KpiValue(figures[name], figures[f"{name}_before"])
        for name in ("open", "overdue", "done")
    }


def tasks_done_per_week(membership: Any, period: Period) -> ChartData:
    """Tasks completed in each week (from Monday) the period touches; one query."""
    start, after = period.bounds()
    zone = timezone.get_current_timezone()
    done = _tasks(membership).filter(completed_at__gte=start, completed_at__lt=after)
    per_week: Counter = Counter()
    for completed in done.values_list("completed_at", flat=True):
        day = timezone.localtime(completed, zone).date()
        per_week[day - timedelta(days=day.weekday())] += 1
    weeks = period.weeks()
    return ChartData(
        labels=[week.isoformat() for week in weeks],
        series=[Series(_("Tasks done"), [per_week.get(week, 0) for week in weeks])],
    )
