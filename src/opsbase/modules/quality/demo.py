"""The demo's NCRs: a handful per organization, in every state of their workflow, on drill
bits and work orders of the demo, raised by the User and taken on by the Manager."""

from __future__ import annotations

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.demo import demo_members
from opsbase.modules.checklists.models import FormVersion
from opsbase.modules.drillbits.constants import BitState
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.workorders.models import WorkOrder

from .constants import DispositionKind, Severity
from .models import Inspection, Ncr
from .services import (
    disposition_record,
    inspection_create,
    inspection_raise_ncr,
    ncr_create,
    ncr_transition,
    ncr_update,
)

# (title, severity, subject, moves after raising, disposition)
DEMO_NCRS = (
    ("Cutter pockets oversize", Severity.MAJOR, "bit", (), None),
    ("Thread damage on pin connection", Severity.CRITICAL, "bit", ("investigate",), None),
    ("Hardfacing thinner than specified", Severity.MINOR, "order", ("investigate",), None),
    (
        "Nozzle seats eroded",
        Severity.MAJOR,
        "bit",
        ("investigate", "disposition"),
        None,
    ),
    (
        "Gauge pads worn below limit",
        Severity.MINOR,
        "order",
        ("investigate", "disposition"),
        DispositionKind.USE_AS_IS,
    ),
    ("Wrong cutter grade fitted", Severity.MAJOR, "text", ("cancel",), None),
)
WHYS = {
    "why_1": "The part left the machine out of tolerance.",
    "why_2": "The fixture had moved.",
    "why_3": "Its clamps were not torqued after the last change-over.",
}


def demo_quality_seed(*, tenant) -> None:
    """Six NCRs in *tenant* (only when it has none, so re-running adds nothing), and a few
    inspections passed and failed."""
    seeded = Ncr.objects.for_tenant(tenant).exists()  # before the failed inspection's NCR
    demo_inspections_seed(tenant=tenant)
    if seeded:
        return
    members = demo_members(tenant)
    manager = members.get(RoleKind.MANAGER)
    if manager is None:
        return
    raiser = members.get(RoleKind.USER, manager)
    bits = list(
        DrillBit.objects.for_tenant(tenant)
        .filter(status__in=[BitState.RETURNED, BitState.REPAIR, BitState.IN_STOCK])
        .order_by("pk")[:6]
    )
    orders = list(WorkOrder.objects.for_tenant(tenant).order_by("pk")[:6])
    for n, (title, severity, subject, moves, disposition) in enumerate(DEMO_NCRS):
        fields: dict = {"quantity_inspected": 1, "quantity_nonconforming": 1}
        if subject == "bit" and bits:
            fields["drill_bit"] = bits[n % len(bits)]
        elif subject == "order" and orders:
            fields["work_order"] = orders[n % len(orders)]
        else:
            fields["subject_text"] = "Cutter batch 2026-03"
        ncr = ncr_create(
            membership=raiser,
            title=title,
            severity=severity,
            description=f"Found at incoming inspection: {title.lower()}.",
            containment="Quarantined in the QC cage.",
            **fields,
        )
        for move in moves:
            if move == "disposition":
                ncr_update(membership=manager, ncr=ncr, **WHYS)
            ncr_transition(membership=manager, ncr=ncr, transition=move)
        if disposition == DispositionKind.USE_AS_IS:
            disposition_record(
                membership=manager,
                ncr=ncr,
                kind=disposition,
                approver=manager,
                notes="Within the customer's concession limits.",
            )


# A blank 1x1 PNG standing in for a drawn signature.
DEMO_SIGNATURE = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
BIT_PASSED = {
    "visual": "pass",
    "gauge_od": "8.500",
    "cutters": "Light",
    "signature": DEMO_SIGNATURE,
}
BIT_FAILED = {
    "visual": "pass",
    "gauge_od": "8.455",
    "cutters": "Heavy",
    "cutter_notes": "Three shoulder cutters chipped",
    "signature": DEMO_SIGNATURE,
}
ORDER_FAILED = {"thread": "pass", "torque": "29.5", "signature": DEMO_SIGNATURE}


def demo_inspections_seed(*, tenant) -> None:
    """Inspections in *tenant* on the demo's published forms: a bit passed, a bit failed
    with an NCR raised from it, and the work order in QC failed (it stays in QC until the
    failure is covered). Only when it has none and the forms are there."""
    if Inspection.objects.for_tenant(tenant).exists():
        return
    manager = (
        Membership.objects.for_tenant(tenant)
        .filter(role__kind=RoleKind.MANAGER, user__email__endswith=f"@{tenant.slug}.test")
        .first()
    )
    versions = {v.name: v for v in FormVersion.objects.for_tenant(tenant).order_by("number")}
    bit_form = versions.get("Drill bit inspection")
    if manager is None or bit_form is None:
        return
    bits = list(DrillBit.objects.for_tenant(tenant).order_by("pk")[:2])
    if len(bits) == 2:
        inspection_create(
            membership=manager, form_version=bit_form, answers=BIT_PASSED, drill_bit=bits[0]
        )
        failed = inspection_create(
            membership=manager,
            form_version=bit_form,
            answers=BIT_FAILED,
            drill_bit=bits[1],
            notes="Gauge worn below the limit.",
        )
        inspection_raise_ncr(membership=manager, inspection=failed)
    order_form = versions.get("Work order final QC")
    in_qc = WorkOrder.objects.for_tenant(tenant).filter(state="qc").order_by("pk").first()
    if order_form is not None and in_qc is not None:
        inspection_create(
            membership=manager, form_version=order_form, answers=ORDER_FAILED, work_order=in_qc
        )
