"""Reads of preventive maintenance: the row specifications, lists scoped to the caller's
tenant, which plans are due or overdue, and the dashboard's counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import (
    Amount,
    Choice,
    Computed,
    Date,
    DateTime,
    LongText,
    Number,
    Person,
    RowSpec,
    Text,
)
from opsbase.kit.selectors import record_get_for, record_list
from opsbase.modules.workorders.constants import OPEN_STATES

from .constants import DUE_SOON_DAYS, TRIGGER_BADGES, VIEW, Trigger
from .models import Equipment, MaintenanceOrder, MaintenancePlan

EQUIPMENT_ROWS = RowSpec(
    Equipment,
    columns=[
        Number("id", table=False, detail=False),
        Text("code", testid="code"),
        Text("name", link=True, detail=False),
        Text("location", hide_empty=True),
        Amount("hours_meter"),  # a decimal: a string in the API, as its schema says
        LongText("notes"),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "code": "code",
        "name": "name",
        "hours_meter": "hours_meter",
        "created_at": "created_at",
    },
    default_sort="code",
)


def _every(row: Any, fmt: Any) -> str:
    """A plan's interval with its unit: "every 30 days", "every 250 hours of use"."""
    interval = row["interval"]
    if row["trigger"] == Trigger.HOURS:
        return ngettext("every %(n)s hour of use", "every %(n)s hours of use", interval) % {
            "n": interval
        }
    return ngettext("every %(n)s day", "every %(n)s days", interval) % {"n": interval}


PLAN_ROWS = RowSpec(
    MaintenancePlan,
    columns=[
        Number("id", table=False, detail=False),
        Text("title", link=True, detail=False),
        Number("equipment", source="equipment_id", table=False, detail=False),
        Text("equipment_code", _lazy("Equipment"), source="equipment__code"),
        Choice("trigger", badges=TRIGGER_BADGES, label_key="trigger_label"),
        Number("interval", table=False, detail=False),
        Computed("every", _every, _lazy("Interval"), api=False, table=True, detail=True),
        Date("next_due_date", table_label=_lazy("Next due"), hide_empty=True),
        Amount("next_due_hours", hide_empty=True),
        Number("equipment_hours", _lazy("Hours meter"), source="equipment__hours_meter"),
        Person("assignee", email_key="assignee_email", empty=_lazy("Unassigned")),
        Person("owner", email_key="owner_email", table=False),
        Text("active", _lazy("Active"), table=False, detail=False, csv=False),
        LongText("checklist"),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "next_due_date": "next_due_date",
        "title": "title",
        "created_at": "created_at",
    },
    default_sort="next_due_date",
)
EQUIPMENT_RELATED: tuple[str, ...] = ()
PLAN_RELATED = ("equipment", "assignee__user", "owner__user")


def equipment_list(*, membership: Membership) -> QuerySet[Equipment]:
    """The organization's equipment, by code."""
    rows = record_list(Equipment, membership=membership, codename=VIEW, related=())
    return rows.order_by("code", "pk")


def equipment_get_for(*, membership: Membership, pk: int | str) -> Equipment:
    return record_get_for(Equipment, membership=membership, pk=pk, codename=VIEW, related=())


def plan_list(*, membership: Membership) -> QuerySet[MaintenancePlan]:
    """The organization's maintenance plans, the soonest due first."""
    rows = record_list(MaintenancePlan, membership=membership, codename=VIEW, related=PLAN_RELATED)
    return rows.order_by(F("next_due_date").asc(nulls_last=True), "pk")


def plan_get_for(*, membership: Membership, pk: int | str) -> MaintenancePlan:
    return record_get_for(
        MaintenancePlan, membership=membership, pk=pk, codename=VIEW, related=PLAN_RELATED
    )


def plan_orders(*, plan: MaintenancePlan) -> QuerySet[MaintenanceOrder]:
    """The work orders generated for *plan* (already checked visible), the latest first."""
    return (
        MaintenanceOrder.objects.for_tenant(plan.tenant_id)
        .filter(plan_id=plan.pk)
        .select_related("work_order")
        .order_by("-due_date", "-pk")
    )


def order_data(order: MaintenanceOrder) -> dict[str, Any]:
    work_order = order.work_order
    return {
        "id": order.pk,
        "due_date": order.due_date.isoformat(),
        "due_hours": None if order.due_hours is None else str(order.due_hours),
        "work_order": work_order.pk,
        "work_order_number": work_order.number,
        "work_order_state": work_order.state,
    }


# -- due and overdue --------------------------------------------------------------------------


def plan_is_due(plan: MaintenancePlan, *, day: dt.date, hours: Decimal | None = None) -> bool:
    """True when *plan* calls for a work order on *day* (its equipment's meter at *hours*)."""
    if not plan.active:
        return False
    if plan.trigger == Trigger.DAYS:
        return plan.next_due_date is not None and plan.next_due_date <= day
    meter = plan.equipment.hours_meter if hours is None else hours
    return plan.next_due_hours is not None and meter >= plan.next_due_hours


def due_plan_keys(*, day: dt.date) -> list[tuple[int, int]]:
    """``(tenant id, plan id)`` of every organization's plans due on *day* (the scheduler's
    read, across tenants: trusted code only)."""
    due = (
        MaintenancePlan.objects.unscoped()
        .filter(active=True)
        .filter(
            Q(trigger=Trigger.DAYS, next_due_date__lte=day)
            | Q(trigger=Trigger.HOURS, equipment__hours_meter__gte=F("next_due_hours"))
        )
    )
    return list(due.order_by("tenant_id", "pk").values_list("tenant_id", "pk"))


def overdue_q(day: dt.date) -> Q:
    """Plans overdue on *day*: a generated work order still open past its due date, or a
    due date passed with no order generated yet."""
    late_order = MaintenanceOrder.objects.unscoped().filter(
        plan_id=OuterRef("pk"), due_date__lt=day, work_order__state__in=OPEN_STATES
    )
    return Q(active=True) & (Q(trigger=Trigger.DAYS, next_due_date__lt=day) | Q(Exists(late_order)))


def maintenance_counts(*, membership: Membership) -> dict[str, int]:
    """The dashboard's counts: overdue plans, plans due within a week, open maintenance
    orders."""
    today = timezone.localdate()
    plans = MaintenancePlan.objects.for_tenant(membership.tenant_id)
    orders = MaintenanceOrder.objects.for_tenant(membership.tenant_id)
    return {
        "overdue": plans.filter(overdue_q(today)).count(),
        "due_soon": plans.filter(
            active=True,
            trigger=Trigger.DAYS,
            next_due_date__gte=today,
            next_due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        ).count(),
        "open_orders": orders.filter(work_order__state__in=OPEN_STATES).count(),
    }
