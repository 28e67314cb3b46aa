"""The demo's work orders: a drill-bit workshop's month, 30 orders per organization across
every state, with their checklists and some parts issued from stock."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.utils import timezone

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.demo import demo_members
from opsbase.modules.customers.models import Customer
from opsbase.modules.drillbits.constants import BitState
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.inventory.models import Item, Location

from .models import WorkOrder
from .selectors import operation_list
from .services import (
    bit_add,
    operation_update,
    part_issue,
    workorder_create,
    workorder_transition,
)

DEMO_COUNT = 30

# (type, title, operations as (title, planned hours))
DEMO_JOBS = (
    (
        "repair",
        'Repair 8½" PDC bit',
        (("Clean and inspect", "1.5"), ("Replace worn cutters", "4"), ("Pressure test", "1")),
    ),
    (
        "inspection",
        'Inspect 12¼" roller cone bit',
        (("Visual inspection", "1"), ("Bearing check", "1.5"), ("Dull grading", "0.5")),
    ),
    (
        "rebuild",
        'Rebuild 6" PDC bit',
        (
            ("Strip cutters", "3"),
            ("Hardfacing", "5"),
            ("Braze new cutters", "6"),
            ("Final inspection", "1"),
        ),
    ),
    ("repair", 'Replace nozzles on 8½" bit', (("Remove nozzles", None), ("Fit new nozzles", None))),
    ("inspection", "Incoming inspection after run", (("Wash", "0.5"), ("Inspect and grade", "1"))),
)

# The moves each demo order takes: every state is represented.
DEMO_PATHS = (
    (),
    ("plan",),
    ("plan", "release"),
    ("plan", "release", "start"),
    ("plan", "release", "start", "*half"),
    ("plan", "release", "start", "*half", "hold"),
    ("plan", "release", "start", "*all", "send_to_qc"),
    ("plan", "release", "start", "*all", "send_to_qc", "complete"),
    ("plan", "release", "start", "*all", "send_to_qc", "complete"),
    ("plan", "cancel"),
)


def demo_workorders_seed(*, tenant) -> None:
    """Thirty work orders in *tenant*, assigned to its User, made and closed by its Manager.
    Only for a tenant without work orders, so re-running the demo adds nothing."""
    if WorkOrder.objects.for_tenant(tenant).exists():
        return
    members = demo_members(tenant)
    manager = members.get(RoleKind.MANAGER)
    if manager is None:
        return
    worker = members.get(RoleKind.USER, manager)
    customers = list(Customer.objects.for_tenant(tenant).order_by("pk"))
    items = list(Item.objects.for_tenant(tenant).order_by("pk"))
    store = Location.objects.for_tenant(tenant).filter(code="MAIN").first()
    # A few bits back from the field go on repair orders (those started go to repair with
    # them; those completed are back in stock).
    returned = list(
        DrillBit.objects.for_tenant(tenant).filter(status=BitState.RETURNED).order_by("pk")[:4]
    )
    today = timezone.localdate()
    for n in range(DEMO_COUNT):
        kind, title, steps = DEMO_JOBS[n % len(DEMO_JOBS)]
        path = DEMO_PATHS[n % len(DEMO_PATHS)]
        order = workorder_create(
            membership=manager,
            title=title,
            type=kind,
            customer=customers[n % len(customers)] if customers else None,
            assignee=worker if n % 7 else None if not path else worker,
            priority=("normal", "high", "low", "urgent")[n % 4],
            planned_start=today + timedelta(days=n % 10 - 5),
            due_date=today + timedelta(days=n % 15 - 4),
            operations=[{"title": t, "planned_hours": h} for t, h in steps],
        )
        if kind == "repair" and returned and path and "cancel" not in path:
            bit_add(membership=manager, work_order=order, drillbit=returned.pop())
        for move in path:
            if move.startswith("*"):
                operations = list(operation_list(work_order=order))
                upto = len(operations) if move == "*all" else len(operations) // 2 or 1
                for operation in operations[:upto]:
                    operation_update(
                        membership=worker,
                        work_order=order,
                        operation=operation,
                        done=True,
                        actual_hours=operation.planned_hours or 1,
                    )
                if items and store is not None:
                    # The demo's stock may run short: the order then just used none.
                    with contextlib.suppress(ValidationError):
                        part_issue(
                            membership=worker,
                            work_order=order,
                            item=items[n % len(items)],
                            location=store,
                            quantity=1,
                        )
                continue
            actor = worker if move in ("start", "hold", "send_to_qc") else manager
            reason = {"hold": "Waiting for cutters", "cancel": "Customer withdrew"}.get(move, "")
            workorder_transition(membership=actor, workorder=order, transition=move, reason=reason)
