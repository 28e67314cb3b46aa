"""The demo's maintenance: per organization, four machines, plans by days and by hours, and
one run of the scheduler as of three weeks ago, so the dashboard shows overdue work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership

from .constants import Trigger
from .models import Equipment
from .services import equipment_create, plan_create, plan_generate

MACHINES = (
    ("LATHE-01", "CNC lathe", "Bay 1", "1520.0"),
    ("FURN-01", "Brazing furnace", "Bay 2", "860.0"),
    ("BLAST-01", "Grit blaster", "Bay 3", "2310.0"),
    ("PRESS-01", "Hydraulic press", "Bay 3", "410.0"),
)
# (machine code, title, trigger, interval, days from today until due, hours until due)
PLANS = (
    ("LATHE-01", "Spindle lubrication", Trigger.DAYS, 30, -21, None),
    ("LATHE-01", "Coolant change", Trigger.HOURS, 250, None, "-10"),
    ("FURN-01", "Thermocouple calibration", Trigger.DAYS, 90, 4, None),
    ("BLAST-01", "Nozzle and hose inspection", Trigger.HOURS, 100, None, "60"),
    ("PRESS-01", "Hydraulic oil and seals", Trigger.DAYS, 180, 40, None),
)
CHECKLIST = "Lock out the machine\nDo the service\nTest run and sign off"


def demo_maintenance_seed(*, tenant) -> None:
    """Machines, plans and a past scheduler run in *tenant* (only when it has no machine)."""
    if Equipment.objects.for_tenant(tenant).exists():
        return
    members = {
        m.role.kind: m
        for m in Membership.objects.for_tenant(tenant).select_related("role", "user")
        if m.user.email.endswith(f"@{tenant.slug}.test")
    }
    manager = members.get(RoleKind.MANAGER)
    if manager is None:
        return
    technician = members.get(RoleKind.USER)
    machines = {
        code: equipment_create(
            membership=manager,
            code=code,
            name=name,
            location=where,
            hours_meter=Decimal(hours),
        )
        for code, name, where, hours in MACHINES
    }
    today = timezone.localdate()
    plans = []
    for code, title, trigger, interval, days, hours in PLANS:
        machine = machines[code]
        plans.append(
            plan_create(
                membership=manager,
                equipment=machine,
                title=title,
                trigger=trigger,
                interval=interval,
                next_due_date=today + dt.timedelta(days=days) if days is not None else None,
                next_due_hours=machine.hours_meter + Decimal(hours) if hours else None,
                checklist=CHECKLIST,
                assignee=technician,
            )
        )
    # The scheduler as it ran three weeks ago: the lubrication's order is overdue now.
    past = today - dt.timedelta(days=21)
    for plan in plans:
        plan_generate(plan_id=plan.pk, tenant_id=tenant.pk, day=past)
