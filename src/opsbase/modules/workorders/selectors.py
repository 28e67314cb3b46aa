"""Reads of work orders: their row specification, lists and counts scoped to the caller's
tenant and what its role may see, and the guards of their workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import state_history
from opsbase.kit.hooks import hook
from opsbase.kit.rows import (
    Choice,
    Computed,
    Date,
    DateTime,
    LongText,
    Number,
    Person,
    Rank,
    RowFormat,
    RowSpec,
    State,
    Text,
)
from opsbase.kit.selectors import record_get_for, record_list

from .constants import (
    DAILY_CAPACITY_HOURS,
    OPEN_STATES,
    PLANNING_STATES,
    PRIORITY_BADGES,
    PRIORITY_RANK,
    STATE_BADGES,
    VIEW,
    WorkOrderState,
)
from .models import Operation, WorkOrder, WorkOrderBit, WorkOrderPart

ZERO_HOURS = Decimal("0")
_OPEN = frozenset(str(s) for s in OPEN_STATES)


def _overdue(row: Mapping[str, Any], fmt: RowFormat) -> bool:
    due = row["due_date"]
    return bool(due and row["state"] in _OPEN and due < fmt.today)


class Percent(Number):
    """A percentage: a number in the API and the CSV, a progress bar on pages."""

    wrap = False

    def cell(self, row: Mapping[str, Any], fmt: RowFormat) -> Any:
        from django.utils.html import format_html

        value = int(self.value(row) or 0)
        return format_html(
            '<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" '
            'aria-valuemin="0" aria-valuemax="100"><div class="progress-bar w-{}">{}%</div>'
            "</div>",
            _("Progress"),
            value,
            _bar_width(value),
            value,
        )


def _bar_width(value: int) -> int:
    # Bootstrap's width utilities come in quarters (no inline style: CSP).
    return min((0, 25, 50, 75, 100), key=lambda step: abs(step - value))


WORKORDER_ROWS = RowSpec(
    WorkOrder,
    columns=[
        Number("id", table=False, detail=False),
        Text("number", testid="number"),
        Text("title", link=True, detail=False),
        Choice("type", label_key="type_label"),
        State("state", badges=STATE_BADGES, label_key="state_label"),
        Choice("priority", badges=PRIORITY_BADGES),
        Number("customer", source="customer_id", table=False, detail=False),
        Text("customer_name", _lazy("Customer"), source="customer__name"),
        Person("assignee", email_key="assignee_email", empty=_lazy("Unassigned")),
        Date("planned_start", table=False, hide_empty=True),
        Date("due_date", table_label=_lazy("Due"), flag="is_overdue", testid="due"),
        Computed("is_overdue", _overdue, _lazy("Overdue")),
        Percent("progress", testid="progress"),
        LongText("notes"),
        DateTime("completed_at", table=False, hide_empty=True, testid="completed"),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "created_at": "created_at",
        "updated_at": "updated_at",
        "number": "number",
        "due_date": "due_date",
        "planned_start": "planned_start",
        "priority": Rank("priority", PRIORITY_RANK),
        "state": Rank("state"),
        "progress": "progress",
    },
    default_sort="-created_at",
)
RELATED = ("customer", "assignee__user")


def workorder_list(*, membership: Membership) -> QuerySet[WorkOrder]:
    """Work orders *membership* may see (every one, or those assigned to it), newest first."""
    orders = record_list(WorkOrder, membership=membership, codename=VIEW, related=RELATED)
    return WORKORDER_ROWS.order(orders, [WORKORDER_ROWS.default_sort])


def workorder_get_for(*, membership: Membership, pk: int | str) -> WorkOrder:
    """Work order *pk* of *membership*'s tenant (``NotFound`` otherwise; ``PermissionDenied``
    when it may not see it), its customer and assignee joined."""
    return record_get_for(WorkOrder, membership=membership, pk=pk, codename=VIEW, related=RELATED)


def workorder_filter_mine(
    orders: QuerySet[WorkOrder], membership: Membership
) -> QuerySet[WorkOrder]:
    return orders.filter(assignee_id=membership.pk)


def workorder_filter_overdue(
    orders: QuerySet[WorkOrder], overdue: bool | None
) -> QuerySet[WorkOrder]:
    """Open work orders whose due date has passed (``True``), or every other one (``False``)."""
    if overdue is None:
        return orders
    late = Q(state__in=OPEN_STATES, due_date__lt=timezone.localdate())
    return orders.filter(late) if overdue else orders.exclude(late)


def operation_list(*, work_order: WorkOrder) -> QuerySet[Operation]:
    """The operations of *work_order* (already checked visible by the caller), in order."""
    return (
        Operation.objects.for_tenant(work_order.tenant_id)
        .filter(work_order_id=work_order.pk)
        .select_related("done_by")
        .order_by("position", "pk")
    )


def operation_get_for(*, work_order: WorkOrder, pk: int | str) -> Operation:
    """Operation *pk* of *work_order*; ``NotFound`` for any other."""
    from opsbase.core.exceptions import NotFound

    text = str(pk)
    found = (
        list(operation_list(work_order=work_order).filter(pk=int(text))[:1])
        if text.isdigit() and len(text) <= 18
        else []
    )
    if not found:
        raise NotFound()
    return found[0]


def part_list(*, work_order: WorkOrder) -> QuerySet[WorkOrderPart]:
    """The parts *work_order* consumed, oldest first, item and location joined."""
    return (
        WorkOrderPart.objects.for_tenant(work_order.tenant_id)
        .filter(work_order_id=work_order.pk)
        .select_related("item", "location", "issued_by")
        .order_by("pk")
    )


def bit_list(*, work_order: WorkOrder) -> QuerySet[WorkOrderBit]:
    """The drill bits on *work_order*, by serial number, the bit joined."""
    return (
        WorkOrderBit.objects.for_tenant(work_order.tenant_id)
        .filter(work_order_id=work_order.pk)
        .select_related("drillbit")
        .order_by("drillbit__serial_number", "pk")
    )


def bit_choices(*, membership: Membership, work_order: WorkOrder) -> QuerySet[Any]:
    """The drill bits that could go on *work_order*: the organization's, not scrapped, not
    on an open work order (a repair order: returned from the field or in repair)."""
    from opsbase.modules.drillbits.models import DrillBit

    busy = WorkOrderBit.objects.for_tenant(membership.tenant_id).filter(
        work_order__state__in=OPEN_STATES
    )
    bits = (
        DrillBit.objects.for_tenant(membership.tenant_id)
        .exclude(status="scrapped")
        .exclude(pk__in=busy.values("drillbit_id"))
    )
    if work_order.type == "repair":
        bits = bits.filter(status__in=("returned", "repair"))
    return bits.order_by("serial_number")


def workorder_state_history(work_order: WorkOrder) -> list[dict[str, Any]]:
    """The stays of *work_order* in each state, oldest first (the workflow's own record), in
    words: the state's label, when it was entered and left, by whom, and the reason given."""
    labels = dict(WorkOrderState.choices)
    stays = []
    for stay in state_history(work_order):
        actor = stay.actor
        stays.append(
            {
                "state": stay.to_state,
                "label": labels.get(stay.to_state, stay.to_state),
                "entered_at": stay.entered_at,
                "left_at": stay.left_at,
                "actor": (actor.get_full_name() or actor.email) if actor is not None else "",
                "reason": (stay.data or {}).get("reason", ""),
            }
        )
    return stays


# -- guards of the workflow (the reason a move is blocked, or None) ------------------------


def workorder_release_blocker(work_order: WorkOrder, membership: Membership) -> str | None:
    if work_order.assignee_id is None:
        return _("Release needs an assignee.")
    if not operation_list(work_order=work_order).exists():
        return _("Release needs at least one operation.")
    return None


def workorder_qc_blocker(work_order: WorkOrder, membership: Membership) -> str | None:
    operations = operation_list(work_order=work_order)
    if not operations.exists():
        return _("QC needs at least one operation.")
    if operations.filter(done=False).exists():
        return _("QC needs every operation done.")
    return None


def workorder_complete_blocker(work_order: WorkOrder, membership: Membership) -> str | None:
    """What an installed quality module says stops the order leaving QC (its inspection
    failed and no NCR disposition covers it), through its hook; None without one."""
    blocker = hook("quality.workorder_completion_blocker")
    if blocker is None:
        return None
    return blocker(membership=membership, work_order=work_order)


def workorder_state_entered(work_order: WorkOrder) -> dict[str, str]:
    """When *work_order* last entered each state it has been in, ISO 8601 (from the
    workflow's time-in-state record; a draft never moved: its creation)."""
    entered = {WorkOrderState.DRAFT.value: work_order.created_at.isoformat()}
    for stay in state_history(work_order):
        entered[stay.to_state] = stay.entered_at.isoformat()
    return entered


def workorder_state_before_hold(work_order: WorkOrder) -> str | None:
    """The state *work_order* was in when it last went on hold."""
    holds = [s for s in state_history(work_order) if s.to_state == WorkOrderState.ON_HOLD]
    return holds[-1].from_state if holds else None


def workorder_resume_blocker(work_order: WorkOrder, membership: Membership) -> str | None:
    if workorder_state_before_hold(work_order) == WorkOrderState.IN_PROGRESS:
        return _("It was in progress before the hold: resume the work instead.")
    return None


# -- counts -----------------------------------------------------------------------------------


def workorder_counts(*, membership: Membership, weeks: int = 4) -> dict[str, Any]:
    """What the dashboard shows of the work orders *membership* may see: how many in each
    state, how many overdue, and how many completed in each of the last *weeks* weeks."""
    orders = policy.scope(membership, VIEW, WorkOrder.objects.for_tenant(membership.tenant_id))
    today = timezone.localdate()
    by_state = dict(
        orders.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    overdue = orders.filter(state__in=OPEN_STATES, due_date__lt=today).count()
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    days = (
        orders.filter(state=WorkOrderState.COMPLETED, completed_at__gte=start)
        .annotate(day=TruncDate("completed_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    per_week = {first + dt.timedelta(weeks=i): 0 for i in range(weeks)}
    for day, n in days:
        week = day - dt.timedelta(days=day.weekday())
        if week in per_week:
            per_week[week] += n
    return {
        "by_state": {str(k): v for k, v in by_state.items()},
        "overdue": overdue,
        "per_week": [(week.isoformat(), n) for week, n in per_week.items()],
    }


# -- the planning board -------------------------------------------------------------------


def planning_week(*, membership: Membership, day: dt.date) -> dict[str, Any]:
    """The planning board of the week holding *day*: a lane per assignee (and one for
    orders nobody holds yet), a cell per day with the planned and released work orders that
    start then, their remaining planned hours against the day's capacity; and the orders
    still without a planned start. Two queries."""
    from django.db.models import Sum

    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    orders = (
        policy.scope(membership, VIEW, WorkOrder.objects.for_tenant(membership.tenant_id))
        .filter(state__in=PLANNING_STATES)
        .select_related("assignee__user", "customer")
        .annotate(remaining=Sum("operations__planned_hours", filter=Q(operations__done=False)))
        .order_by("planned_start", "pk")
    )
    scheduled = list(orders.filter(planned_start__gte=days[0], planned_start__lte=days[-1]))
    unscheduled = list(orders.filter(planned_start__isnull=True)[:50])
    lanes: dict[Any, dict[str, Any]] = {}
    for order in scheduled:
        key = order.assignee_id
        if key not in lanes:
            person = order.assignee.user if order.assignee is not None else None
            lanes[key] = {
                "name": (person.get_full_name() or person.email) if person else _("Unassigned"),
                "cells": {d: {"day": d, "orders": [], "hours": ZERO_HOURS} for d in days},
            }
        cell = lanes[key]["cells"][order.planned_start]
        cell["orders"].append(order)
        cell["hours"] += order.remaining or ZERO_HOURS
    for lane in lanes.values():
        lane["cells"] = list(lane["cells"].values())
        for cell in lane["cells"]:
            cell["over"] = cell["hours"] > DAILY_CAPACITY_HOURS
    ordered = sorted(lanes.items(), key=lambda kv: (kv[0] is None, str(kv[1]["name"])))
    return {
        "monday": monday,
        "days": days,
        "lanes": [lane for _key, lane in ordered],
        "unscheduled": unscheduled,
        "capacity": DAILY_CAPACITY_HOURS,
    }
