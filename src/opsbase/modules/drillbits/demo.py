"""The demo's drill bits: 60 per organization, in every status of their lifecycle, with runs
for those that have been in a well."""

from __future__ import annotations

from decimal import Decimal

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.sites.demo import demo_sites_seed
from opsbase.modules.sites.models import Rig, Well

from .constants import BitSize, BitState, BitType
from .models import DrillBit
from .services import bitrun_create, drillbit_create, drillbit_transition, drillbit_update

# How many bits end in each state, and the moves that take a new bit there.
DEMO_STATES = (
    (BitState.NEW, 6, ()),
    (BitState.IN_STOCK, 14, ("receive",)),
    (BitState.ASSIGNED, 8, ("receive", "assign")),
    (BitState.IN_FIELD, 14, ("receive", "assign", "deploy")),
    (BitState.RETURNED, 7, ("receive", "assign", "deploy", "return")),
    (BitState.REPAIR, 6, ("receive", "assign", "deploy", "return", "repair")),
    (BitState.SCRAPPED, 5, ("receive", "assign", "deploy", "return", "scrap")),
)
# (type, IADC code, design) the workshop stocks.
DEMO_MODELS = (
    (BitType.PDC, "M323", "MDi616"),
    (BitType.PDC, "S223", "SDi519"),
    (BitType.ROLLER_CONE, "517X", "GTX-C1"),
    (BitType.ROLLER_CONE, "437", "XR+"),
    (BitType.HYBRID, "M422", "Kymera"),
    (BitType.IMPREGNATED, "M842", "Kinetic"),
)
DEMO_SIZES = (BitSize.S_6_1_8, BitSize.S_8_1_2, BitSize.S_12_1_4, BitSize.S_17_1_2)
DULL = {
    "dull_inner": 1,
    "dull_outer": 2,
    "dull_characteristic": "WT",
    "dull_location": "A",
    "dull_bearing": "X",
    "dull_gauge": "I",
    "dull_other": "NO",
    "dull_reason": "TD",
}


def demo_drillbits_seed(*, tenant) -> None:
    """60 bits in *tenant*, across every state, moved by its Manager. Only for a tenant
    without bits, so re-running the demo adds nothing."""
    if DrillBit.objects.for_tenant(tenant).exists():
        return
    # The rigs and wells first, whichever module the demo reaches first.
    demo_sites_seed(tenant=tenant)
    manager = Membership.objects.for_tenant(tenant).filter(role__kind=RoleKind.MANAGER).first()
    rigs = list(Rig.objects.for_tenant(tenant).order_by("pk"))
    wells = list(Well.objects.for_tenant(tenant).order_by("pk"))
    if manager is None or not rigs or not wells:
        return
    prefix = tenant.slug[:3].upper()
    number = 0
    for _state, count, moves in DEMO_STATES:
        for _ in range(count):
            number += 1
            bit_type, iadc, design = DEMO_MODELS[number % len(DEMO_MODELS)]
            bit = drillbit_create(
                membership=manager,
                serial_number=f"{prefix}-{24000 + number * 7}",
                bit_type=bit_type,
                size=DEMO_SIZES[number % len(DEMO_SIZES)],
                design=design,
                iadc_code=iadc,
                location="Workshop, rack " + "ABCD"[number % 4],
            )
            rig, well = rigs[number % len(rigs)], wells[number % len(wells)]
            for move in moves:
                if move == "assign":
                    drillbit_update(membership=manager, drillbit=bit, rig=rig, well=well)
                if move == "deploy":
                    drillbit_update(membership=manager, drillbit=bit, location=f"{rig.name}")
                if move == "return":
                    start = Decimal(1500 + number * 10)
                    bitrun_create(
                        membership=manager,
                        drillbit=bit,
                        well=well,
                        depth_in=start,
                        depth_out=start + Decimal(420 + number),
                        hours=Decimal("38.5"),
                        **DULL,
                    )
                reason = "Cutters worn beyond repair" if move == "scrap" else ""
                drillbit_transition(
                    membership=manager, drillbit=bit, transition=move, reason=reason
                )
