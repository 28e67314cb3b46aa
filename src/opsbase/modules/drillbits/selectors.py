"""Reads of drill bits: their row specification, the bit behind a scan code, runs, and the
dashboard's counts, scoped to the caller's tenant and what its role may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import NotFound
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import (
    Amount,
    Choice,
    Computed,
    Date,
    DateTime,
    Number,
    Rank,
    RowFormat,
    RowSpec,
    State,
    Text,
)
from opsbase.kit.selectors import record_get_for, record_list

from .constants import STATE_BADGES, VIEW, BitSize, BitState
from .models import BitRun, DrillBit

RELATED = ("rig", "well")

# Sizes sort by diameter, not by their text ("12-1/4" after "8-1/2").
SIZE_RANK = {size: rank for rank, size in enumerate(BitSize)}

DRILLBIT_ROWS = RowSpec(
    DrillBit,
    columns=[
        Number("id", table=False, detail=False),
        Text("serial_number", link=True, detail=False),
        State("status", badges=STATE_BADGES, label_key="status_label"),
        Choice("bit_type", label_key="bit_type_label"),
        Choice("size", label_key="size_label"),
        Text("design", table=False),
        Text("iadc_code", table_label=_("IADC")),
        Text("location", table=False),
        Number("rig", source="rig_id", table=False, detail=False, csv=False),
        Text("rig_name", _("Rig"), source="rig__name", hide_empty=True),
        Number("well", source="well_id", table=False, detail=False, csv=False),
        Text("well_name", _("Well"), source="well__name", hide_empty=True, table=False),
        DateTime("state_entered_at", table_label=_("Since")),
        Text("scan_code", table=False, detail=False, csv=False),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "serial_number": "serial_number",
        "status": Rank("status"),
        "size": Rank("size", SIZE_RANK),
        "state_entered_at": "state_entered_at",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    default_sort="serial_number",
)


def _footage(row: Mapping[str, Any], fmt: RowFormat) -> str | None:
    depth_in, depth_out = row["depth_in"], row["depth_out"]
    if depth_in is None or depth_out is None:
        return None
    return str(depth_out - depth_in)


def _dull_grade(row: Mapping[str, Any], fmt: RowFormat) -> str:
    run = BitRun(
        **{k: row[k] for k in row if k.startswith("dull_")},
    )
    return run.dull_grade


BITRUN_ROWS = RowSpec(
    BitRun,
    columns=[
        Number("id", table=False),
        Number("number"),
        Number("well", source="well_id", table=False, csv=False),
        Text("well_name", _("Well"), source="well__name"),
        Date("started_on"),
        Amount("depth_in"),
        Amount("depth_out"),
        Computed("footage", _footage, _("Footage (m)")),
        Amount("hours"),
        Number("dull_inner"),
        Number("dull_outer"),
        Text("dull_characteristic"),
        Text("dull_location"),
        Text("dull_bearing"),
        Text("dull_gauge"),
        Text("dull_other"),
        Text("dull_reason"),
        Computed("dull_grade", _dull_grade, _("Dull grade")),
    ],
    sorts={"number": "number"},
    default_sort="number",
    urls={"detail": "drillbits:drillbit_detail"},
)


def drillbit_get_for(*, membership: Membership, pk: Any) -> DrillBit:
    """Drill bit *pk* of *membership*'s tenant, its rig and well joined (``NotFound``
    otherwise)."""
    return record_get_for(DrillBit, membership=membership, pk=pk, codename=VIEW, related=RELATED)


def drillbit_get_by_scan_code(*, membership: Membership, code: str) -> DrillBit:
    """The bit whose label carries *code*, in *membership*'s tenant: ``NotFound`` for an
    unknown code and for another organization's alike (no existence leak)."""
    found = list(
        DrillBit.objects.for_tenant(membership.tenant_id)
        .select_related(*RELATED)
        .filter(scan_code=str(code)[:32])
        .order_by()[:1]
    )
    if not found:
        raise NotFound()
    policy.require(membership, VIEW, found[0])
    return found[0]


def drillbit_list_by_ids(*, membership: Membership, ids: list[int]) -> QuerySet[DrillBit]:
    """The bits among *ids* that *membership* may see (others' and unknown ids are skipped),
    by serial number: a selection for labels."""
    bits = record_list(DrillBit, membership=membership, codename=VIEW, related=RELATED)
    return bits.filter(pk__in=ids).order_by("serial_number", "pk")


def drillbit_list(*, membership: Membership) -> QuerySet[DrillBit]:
    """Every bit *membership* may see, by serial number."""
    bits = record_list(DrillBit, membership=membership, codename=VIEW, related=RELATED)
    return DRILLBIT_ROWS.order(bits, [DRILLBIT_ROWS.default_sort])


def bitrun_list(*, membership: Membership, drillbit: DrillBit) -> QuerySet[BitRun]:
    """The runs of *drillbit* (which the caller has read through ``drillbit_get_for``),
    first run first, their wells joined."""
    return (
        BitRun.objects.for_tenant(membership.tenant_id)
        .filter(bit=drillbit)
        .select_related("well")
        .order_by("number")
    )


def drillbit_state_counts(*, membership: Membership) -> dict[str, int]:
    """How many bits *membership* may see are in each state (every state named): one query."""
    bits = policy.scope(membership, VIEW, DrillBit.objects.for_tenant(membership.tenant_id))
    found = dict(bits.order_by().values_list("status").annotate(n=Count("pk")))
    return {str(state): found.get(str(state), 0) for state in BitState}


def drillbit_longest_in_field(*, membership: Membership, limit: int = 5) -> list[dict[str, Any]]:
    """The bits in the field the longest, with how many days, their rig or well: one query."""
    bits = policy.scope(membership, VIEW, DrillBit.objects.for_tenant(membership.tenant_id))
    rows = (
        bits.filter(status=BitState.IN_FIELD)
        .order_by("state_entered_at", "pk")
        .values("pk", "serial_number", "state_entered_at", "rig__name", "well__name")[:limit]
    )
    now = timezone.now()
    return [
        {
            "pk": row["pk"],
            "serial_number": row["serial_number"],
            "site": row["rig__name"] or row["well__name"] or "",
            "days": (now - row["state_entered_at"]).days if row["state_entered_at"] else 0,
        }
        for row in rows
    ]
