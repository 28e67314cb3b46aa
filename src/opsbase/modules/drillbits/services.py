"""Writes of drill bits: their lifecycle rules and run records; the kit's helpers and the
workflow do the rest (policy on the locked row, validation, audit, time in state)."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import transition_apply
from opsbase.kit.services import (
    fields_allowed,
    record_create,
    record_delete,
    record_move_to,
    record_update,
)

from .constants import ADD, CHANGE, DELETE, RECORD_RUN, BitState
from .models import BitRun, DrillBit

EDITABLE_FIELDS = (
    "serial_number",
    "bit_type",
    "size",
    "design",
    "iadc_code",
    "location",
    "rig",
    "well",
)


def _normalized(bit: DrillBit, changed: frozenset[str]) -> dict[str, Any]:
    """IADC codes are written in capitals (``517x`` is ``517X``)."""
    return {"iadc_code": (bit.iadc_code or "").strip().upper()}


@atomic_write
def drillbit_create(*, membership: Membership, **fields: Any) -> DrillBit:
    """A new drill bit, New since now, with its own unguessable scan code; audited."""
    fields_allowed(fields, EDITABLE_FIELDS, "drillbit_create")
    bit = DrillBit(**fields, state_entered_at=timezone.now())
    return record_create(membership=membership, obj=bit, codename=ADD, derive=_normalized)


@atomic_write
def drillbit_update(*, membership: Membership, drillbit: DrillBit, **changes: Any) -> DrillBit:
    """Change the fields of *drillbit* (``drillbits.change_drillbit``); its status moves only
    through ``drillbit_transition``."""
    fields_allowed(changes, EDITABLE_FIELDS, "drillbit_update", verb="change")
    return record_update(
        membership=membership, obj=drillbit, codename=CHANGE, changes=changes, derive=_normalized
    )


def drillbit_delete(*, membership: Membership, drillbit: DrillBit) -> None:
    """Delete *drillbit* and its runs; its audit history stays."""
    record_delete(membership=membership, obj=drillbit, codename=DELETE)


def drillbit_transition(
    *, membership: Membership, drillbit: DrillBit, transition: str, reason: str = ""
) -> DrillBit:
    """Take *transition* (``receive``, ``assign``, ``deploy``, ``return``, ``repair``,
    ``restock``, ``unassign``, ``scrap``): checked against the member's role, audited, and
    kept in the bit's time in state. *drillbit* follows the saved row."""
    values = {"reason": reason} if reason else {}
    transition_apply(membership=membership, obj=drillbit, transition=transition, **values)
    return drillbit


def drillbit_move_to(
    *, membership: Membership, drillbit: DrillBit, state: str, reason: str = ""
) -> DrillBit:
    """Move *drillbit* to *state* through the transition that leads there, or raise
    ``InvalidTransition`` naming the moves possible now."""
    return record_move_to(
        membership=membership,
        obj=drillbit,
        state=state,
        move=lambda name: drillbit_transition(
            membership=membership, drillbit=drillbit, transition=name, reason=reason
        ),
    )


def drillbit_move_effects(bit: DrillBit, membership: Membership) -> dict[str, Any]:
    """What every move sets besides the status: since when the bit is in it; a bit back in
    stock serves no rig or well any more. Called on the locked row in its new status."""
    effects: dict[str, Any] = {"state_entered_at": timezone.now()}
    if bit.status == BitState.IN_STOCK:
        effects.update(rig=None, well=None)
    return effects


def drillbit_site_missing(bit: DrillBit, membership: Membership) -> str | None:
    """The assign move's guard: a bit is assigned to the rig or well set on it."""
    if bit.rig_id is None and bit.well_id is None:
        return _("Choose the rig or well it goes to first (edit the drill bit).")
    return None


@atomic_write
def bitrun_create(
    *, membership: Membership, drillbit: DrillBit, well: Any, **fields: Any
) -> BitRun:
    """Record the next run of *drillbit* (numbered 1, 2, … per bit) with its depths, hours
    and dull grade; audited. The bit's row is locked so two runs never share a number."""
    bit = row_lock(DrillBit, pk=drillbit.pk, tenant_id=membership.tenant_id)
    last = (
        BitRun.objects.for_tenant(membership.tenant_id)
        .filter(bit=bit)
        .aggregate(last=Max("number"))["last"]
    )
    run = BitRun(bit=bit, well=well, number=(last or 0) + 1, **fields)
    return record_create(membership=membership, obj=run, codename=RECORD_RUN)
