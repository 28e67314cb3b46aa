"""Reads of dispatch notes: their row specification, the bits on a note, the sites and bits
a note may name, and the guard of the issue move."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import Choice, Date, DateTime, LongText, Number, RowSpec, State, Text
from opsbase.modules.drillbits.constants import BitState
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.sites.models import Rig, Well

from .constants import STATE_BADGES, NoteKind
from .models import DispatchLine, DispatchNote

DISPATCH_ROWS = RowSpec(
    DispatchNote,
    columns=[
        Number("id", table=False, detail=False),
        Text("number", link=True, testid="number"),
        Choice("kind", label_key="kind_label"),
        State("state", badges=STATE_BADGES, label_key="state_label"),
        Number("rig", source="rig_id", table=False, detail=False),
        Text("rig_name", _lazy("Rig"), source="rig__name"),
        Number("well", source="well_id", table=False, detail=False),
        Text("well_name", _lazy("Well"), source="well__name"),
        Date("date"),
        Number("bit_count", _lazy("Bits")),
        Text("carrier"),
        Text("reference", table=False),
        LongText("notes"),
        DateTime("issued_at", table=False, hide_empty=True),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "created_at": "created_at",
        "number": "number",
        "date": "date",
        "state": "state",
    },
    default_sort="-created_at",
)
RELATED = ("rig", "well")

#: The bit states each kind of note takes a bit in: out from stock (or assigned), back from
#: the field.
TAKES = {
    NoteKind.OUTBOUND.value: (BitState.IN_STOCK.value, BitState.ASSIGNED.value),
    NoteKind.RETURN.value: (BitState.IN_FIELD.value,),
}


def line_list(*, note: DispatchNote) -> QuerySet[DispatchLine]:
    """The drill bits on *note*, in the order they were added."""
    return (
        DispatchLine.objects.for_tenant(note.tenant_id)
        .filter(note_id=note.pk)
        .select_related("drillbit")
        .order_by("pk")
    )


def rig_choices(*, membership: Membership) -> QuerySet[Rig]:
    """The rigs a note of *membership*'s organization may name."""
    return Rig.objects.for_tenant(membership.tenant_id).order_by("name", "pk")


def well_choices(*, membership: Membership) -> QuerySet[Well]:
    """The wells a note of *membership*'s organization may name."""
    return Well.objects.for_tenant(membership.tenant_id).order_by("name", "pk")


def bit_choices(*, membership: Membership) -> QuerySet[DrillBit]:
    """The drill bits a note may carry now: in stock or assigned (going out), or in the
    field (coming back)."""
    states = {s for states in TAKES.values() for s in states}
    return (
        DrillBit.objects.for_tenant(membership.tenant_id)
        .filter(status__in=states)
        .order_by("serial_number", "pk")
    )


def dispatchnote_issue_blocker(note: DispatchNote, membership: Membership) -> str | None:
    """The issue move's guard: a note carries at least one drill bit (its ``bit_count``,
    kept with its lines, so a list of notes asks no query per row)."""
    if not note.bit_count:
        return _("Add at least one drill bit.")
    return None
