"""Writes of preventive maintenance: equipment readings, plans, and the scheduler that turns
due plans into maintenance work orders.

The scheduler is idempotent. Each plan is handled in its own transaction under its row
lock: a run that finds the plan due creates the work order (through the workorders module's
own service, under the plan owner's permissions), records it against the plan's due date,
and moves the plan's next due date or reading past today. A second run, or one running at
the same moment, waits for the lock and then finds the plan no longer due; a database
constraint on (plan, due date) backs this up. Missed days give one order, never one per day.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.exceptions import ValidationError
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.services import fields_allowed, record_create, record_delete, record_update
from opsbase.modules.workorders.constants import ADD as WORKORDER_ADD
from opsbase.modules.workorders.constants import WorkOrderType
from opsbase.modules.workorders.services import workorder_create

from .constants import DELETE, MANAGE, RECORD_HOURS, Trigger
from .models import Equipment, MaintenanceOrder, MaintenancePlan
from .selectors import due_plan_keys, plan_is_due

log = logging.getLogger(__name__)

PLAN_FIELDS = (
    "equipment",
    "title",
    "trigger",
    "interval",
    "next_due_date",
    "next_due_hours",
    "checklist",
    "assignee",
    "active",
)


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError(message, extra={"fields": {field: [message]}})


# -- equipment --------------------------------------------------------------------------------


def _equipment_derive(row: Equipment, changed: frozenset[str]) -> dict[str, Any]:
    return {"code": " ".join((row.code or "").split()).upper()} if "code" in changed else {}


def _equipment_check(membership: Membership) -> Any:
    def check(row: Equipment, changed: frozenset[str]) -> None:
        if "code" in changed:
            code = " ".join((row.code or "").split()).upper()
            taken = (
                Equipment.objects.for_tenant(membership.tenant_id)
                .filter(code=code)
                .exclude(pk=row.pk)
                .exists()
            )
            if taken:
                raise _refuse("code", _("Another machine has this code."))

    return check


@atomic_write
def equipment_create(*, membership: Membership, **fields: Any) -> Equipment:
    """A new machine of the organization."""
    equipment = Equipment(**fields)
    return record_create(
        membership=membership,
        obj=equipment,
        codename=MANAGE,
        check=_equipment_check(membership),
        derive=_equipment_derive,
    )


@atomic_write
def equipment_update(*, membership: Membership, equipment: Equipment, **changes: Any) -> Equipment:
    """Change a machine's record."""
    return record_update(
        membership=membership,
        obj=equipment,
        codename=MANAGE,
        changes=changes,
        check=_equipment_check(membership),
        derive=_equipment_derive,
    )


def equipment_delete(*, membership: Membership, equipment: Equipment) -> None:
    """Delete a machine no plan names (one that has plans answers 409 naming them)."""
    record_delete(membership=membership, obj=equipment, codename=DELETE)


@atomic_write
def equipment_record_hours(
    *, membership: Membership, equipment: Equipment, hours: Decimal
) -> Equipment:
    """A new reading of the machine's hours meter, which only goes forward."""
    locked = row_lock(Equipment, pk=equipment.pk, tenant_id=membership.tenant_id)
    if Decimal(hours) < locked.hours_meter:
        raise _refuse(
            "hours",
            _("The meter reads %(hours)s already: a reading only goes forward.")
            % {"hours": locked.hours_meter},
        )
    return record_update(
        membership=membership, obj=equipment, codename=RECORD_HOURS, changes={"hours_meter": hours}
    )


# -- plans ------------------------------------------------------------------------------------


def _plan_check(membership: Membership) -> Any:
    def check(row: MaintenancePlan, changed: frozenset[str]) -> None:
        equipment = row.equipment if row.equipment_id else None
        if equipment is not None and equipment.tenant_id != membership.tenant_id:
            raise _refuse("equipment", _("Choose one of your organization's machines."))
        if row.trigger == Trigger.DAYS and row.next_due_date is None:
            raise _refuse("next_due_date", _("Give the first date it is due."))

    return check


def _plan_derive(row: MaintenancePlan, changed: frozenset[str]) -> dict[str, Any]:
    """An hours plan with no next reading is due *interval* hours after the meter's now."""
    if row.trigger == Trigger.HOURS and row.next_due_hours is None and row.equipment_id:
        return {"next_due_hours": row.equipment.hours_meter + Decimal(row.interval or 0)}
    return {}


@atomic_write
def plan_create(*, membership: Membership, equipment: Equipment, **fields: Any) -> MaintenancePlan:
    """A new maintenance plan, owned by *membership* (the scheduler acts on its behalf)."""
    fields_allowed(fields, PLAN_FIELDS, "plan_create")
    fields = {k: v for k, v in fields.items() if v is not None}
    plan = MaintenancePlan(
        equipment=equipment, owner=membership, created_by=membership.user, **fields
    )
    return record_create(
        membership=membership,
        obj=plan,
        codename=MANAGE,
        check=_plan_check(membership),
        derive=_plan_derive,
    )


@atomic_write
def plan_update(
    *, membership: Membership, maintenanceplan: MaintenancePlan, **changes: Any
) -> MaintenancePlan:
    """Change a plan's fields (``PLAN_FIELDS``)."""
    changes = {k: v for k, v in changes.items() if k in PLAN_FIELDS}
    return record_update(
        membership=membership,
        obj=maintenanceplan,
        codename=MANAGE,
        changes=changes,
        check=_plan_check(membership),
        derive=_plan_derive,
    )


def plan_delete(*, membership: Membership, maintenanceplan: MaintenancePlan) -> None:
    """Delete a plan that generated no work order (one that did is made inactive instead)."""
    record_delete(membership=membership, obj=maintenanceplan, codename=DELETE)


# -- the scheduler ----------------------------------------------------------------------------


def _acting_member(plan: MaintenancePlan) -> Membership | None:
    """Who the scheduler acts as: the plan's owner while they may create work orders, else
    an active Admin of the organization."""
    owner = plan.owner
    if owner.is_active and policy.can(owner, WORKORDER_ADD) and policy.can(owner, MANAGE):
        return owner
    return (
        Membership.objects.for_tenant(plan.tenant_id)
        .filter(is_active=True, role__kind=RoleKind.ADMIN)
        .select_related("role", "user", "tenant")
        .order_by("pk")
        .first()
    )


def _advanced(plan: MaintenancePlan, day: dt.date) -> dict[str, Any]:
    """The plan's next due point past *day* (or past the meter's reading): missed cycles are
    skipped, not owed."""
    step = int(plan.interval)
    if plan.trigger == Trigger.DAYS:
        due = plan.next_due_date
        assert due is not None  # noqa: S101 - a due days plan has a date
        while due <= day:
            due += dt.timedelta(days=step)
        return {"next_due_date": due}
    reading = plan.next_due_hours
    assert reading is not None  # noqa: S101 - a due hours plan has a reading
    while reading <= plan.equipment.hours_meter:
        reading += Decimal(step)
    return {"next_due_hours": reading}


@atomic_write
def plan_generate(*, plan_id: int, tenant_id: int, day: dt.date) -> MaintenanceOrder | None:
    """The work order *plan_id* calls for on *day*, made once: None when the plan is not due
    (any more), already has its order for that date, or nobody may create it."""
    plan = row_lock(MaintenancePlan, pk=plan_id, tenant_id=tenant_id)
    equipment = Equipment.objects.for_tenant(tenant_id).get(pk=plan.equipment_id)
    plan.equipment = equipment
    if not plan_is_due(plan, day=day):
        return None
    due_date = plan.next_due_date if plan.trigger == Trigger.DAYS else day
    assert due_date is not None  # noqa: S101
    orders = MaintenanceOrder.objects.for_tenant(tenant_id)
    if orders.filter(plan_id=plan.pk, due_date=due_date).exists():
        return None
    actor = _acting_member(plan)
    if actor is None:
        log.warning("maintenance plan %s is due but nobody may create its work order", plan.pk)
        return None
    steps = [line.strip() for line in (plan.checklist or "").splitlines() if line.strip()]
    work_order = workorder_create(
        membership=actor,
        title=(
            _("Maintenance: %(plan)s (%(code)s)") % {"plan": plan.title, "code": equipment.code}
        )[:200],
        type=WorkOrderType.MAINTENANCE,
        assignee=plan.assignee,
        due_date=max(due_date, day) if plan.trigger == Trigger.HOURS else due_date,
        planned_start=day,
        notes=_("Generated by the maintenance plan “%(plan)s”.") % {"plan": plan.title},
        operations=[{"title": step[:200]} for step in steps]
        or [{"title": _("Service %(name)s") % {"name": equipment.name}}],
    )
    order = MaintenanceOrder(
        plan=plan,
        work_order=work_order,
        due_date=due_date,
        due_hours=plan.next_due_hours if plan.trigger == Trigger.HOURS else None,
    )
    record_create(membership=actor, obj=order, codename=MANAGE)
    record_update(membership=actor, obj=plan, codename=MANAGE, changes=_advanced(plan, day))
    return order


def maintenance_generate_due(*, day: dt.date | None = None) -> int:
    """Generate the work orders of every organization's due plans (Celery beat, daily);
    how many were made. Running it again the same day makes none."""
    from opsbase.core.context import tenant_context
    from opsbase.core.rls import rls_bypass

    day = day or timezone.localdate()
    with rls_bypass():
        keys = due_plan_keys(day=day)
    made = 0
    for tenant_id, plan_id in keys:
        with tenant_context(tenant_id):
            made += plan_generate(plan_id=plan_id, tenant_id=tenant_id, day=day) is not None
    return made
