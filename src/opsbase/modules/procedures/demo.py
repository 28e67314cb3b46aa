"""The demo's procedures: per organization, an approved brazing procedure with a newer draft
version, one in review and a superseded one; a released work order that requires the approved
version, which its assignee has not acknowledged yet (the Admin has)."""

from __future__ import annotations

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.workorders.constants import WorkOrderState
from opsbase.modules.workorders.models import WorkOrder

from .models import Procedure
from .services import (
    procedure_acknowledge,
    procedure_create,
    procedure_new_version,
    procedure_require,
    procedure_transition,
    procedure_update,
)

BRAZING = """## Before you start

- Wear the face shield and heat-resistant gloves.
- Check the torch and the flux are within date.

## Steps

1. Clean each cutter pocket with the wire brush.
2. Preheat the bit body to **650 °C**; check with the contact thermometer.
3. Braze the cutters one row at a time; let each row cool for 5 minutes.

| Cutter size | Braze alloy |
|---|---|
| 13 mm | BAg-7 |
| 16 mm | BAg-7 |
"""

THREAD = """## Thread inspection

1. Clean the pin and box threads.
2. Gauge the thread with the ring gauge; record the stand-off.
3. Reject any thread with galling or a stand-off outside the limit.
"""


def demo_procedures_seed(*, tenant) -> None:
    """Four procedure versions in *tenant* (only when it has none)."""
    if Procedure.objects.for_tenant(tenant).exists():
        return
    members = {
        m.role.kind: m
        for m in Membership.objects.for_tenant(tenant).select_related("role", "user")
        if m.user.email.endswith(f"@{tenant.slug}.test")
    }
    author, reviewer = members.get(RoleKind.MANAGER), members.get(RoleKind.ADMIN)
    if author is None or reviewer is None:
        return
    first = procedure_create(
        membership=author, code="SOP-001", title="Brazing PDC cutters", body=BRAZING
    )
    procedure_transition(membership=author, procedure=first, transition="submit")
    procedure_transition(membership=reviewer, procedure=first, transition="approve")
    second = procedure_new_version(membership=author, procedure=first)
    procedure_update(
        membership=author,
        procedure=second,
        body=BRAZING + "\n4. Record the braze temperature on the work order.\n",
    )
    procedure_transition(membership=author, procedure=second, transition="submit")
    procedure_transition(membership=reviewer, procedure=second, transition="approve")
    third = procedure_new_version(membership=author, procedure=second)
    procedure_update(membership=author, procedure=third, title="Brazing PDC and TSP cutters")
    thread = procedure_create(
        membership=author, code="SOP-002", title="Inspecting connection threads", body=THREAD
    )
    procedure_transition(membership=author, procedure=thread, transition="submit")
    order = (
        WorkOrder.objects.for_tenant(tenant)
        .filter(state=WorkOrderState.RELEASED)
        .order_by("pk")
        .first()
    )
    if order is not None:
        procedure_require(membership=author, procedure=second, work_order=order)
    procedure_acknowledge(membership=reviewer, procedure=second)
