"""Writes of dispatch notes: their business rules; the kit's helpers do the rest (policy on
the locked row, validation, audit).

Issuing a note moves its drill bits through their own workflow in the same transaction: an
outbound note sends each bit to In field (a bit in stock is first assigned to the note's rig
or well), a return note brings each back to Returned. A bit that cannot make the move refuses
the whole issue, naming it; nothing is changed then.

Lock order of an issue: the note's row, then its bits by id, then the audit chain head (last,
as every write of OpsBase does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.exceptions import Conflict, ValidationError
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import transition_apply
from opsbase.kit.numbering import sequence_next
from opsbase.kit.services import (
    fields_allowed,
    record_create,
    record_delete,
    record_move_to,
    record_update,
)
from opsbase.modules.drillbits.constants import BitState
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.drillbits.services import drillbit_transition, drillbit_update

from .constants import ADD, CHANGE, DELETE, NUMBER_PREFIX, NoteKind, NoteState
from .models import DispatchCounter, DispatchLine, DispatchNote
from .selectors import TAKES

EDITABLE_FIELDS = ("kind", "rig", "well", "date", "carrier", "reference", "notes")

#: The drill-bit moves issuing a note of each kind takes, from the bit's state now, until
#: the bit is where the note sends it.
MOVES = {
    NoteKind.OUTBOUND.value: {
        BitState.IN_STOCK.value: "assign",
        BitState.ASSIGNED.value: "deploy",
    },
    NoteKind.RETURN.value: {BitState.IN_FIELD.value: "return"},
}
TARGET = {
    NoteKind.OUTBOUND.value: BitState.IN_FIELD.value,
    NoteKind.RETURN.value: BitState.RETURNED.value,
}


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError(message, extra={"fields": {field: [message]}})


def _next_number(tenant_id: int) -> str:
    """The next dispatch-note number of the tenant this year (``DN-2026-0007``), gapless
    (``kit.numbering``)."""
    year = timezone.localdate().year
    seq = sequence_next(DispatchCounter, tenant_id=tenant_id, year=year)
    return f"{NUMBER_PREFIX}-{year}-{seq:04d}"


def _own_bits(membership: Membership, values: Iterable[Any]) -> list[DrillBit]:
    """*values* (bits or their ids) as drill bits of *membership*'s organization, else a
    field error (another organization's bit is as unknown as a missing one)."""
    ids: list[int] = []
    for value in values:
        if isinstance(value, DrillBit):
            value = value.pk if value.tenant_id == membership.tenant_id else None
        if value is None or not str(value).isdigit() or len(str(value)) > 18:
            raise _refuse("bits", _("Choose drill bits of your organization."))
        if int(value) not in ids:
            ids.append(int(value))
    found = {
        bit.pk: bit for bit in DrillBit.objects.for_tenant(membership.tenant_id).filter(pk__in=ids)
    }
    if len(found) != len(ids):
        raise _refuse("bits", _("Choose drill bits of your organization."))
    return [found[pk] for pk in ids]


def _bit_refused(bit: DrillBit, kind: str) -> str | None:
    """Why *bit* cannot go on (or out with) a note of *kind* now, or None."""
    if str(bit.status) in TAKES[kind]:
        return None
    if kind == NoteKind.OUTBOUND:
        rule = _("an outbound note takes bits in stock or assigned")
    else:
        rule = _("a return note takes bits in the field")
    return _("Drill bit %(bit)s is %(state)s: %(rule)s.") % {
        "bit": bit.serial_number,
        "state": bit.get_status_display(),
        "rule": rule,
    }


def _check_bits(bits: Iterable[DrillBit], kind: str) -> None:
    problems = [p for p in (_bit_refused(bit, kind) for bit in bits) if p]
    if problems:
        raise ValidationError(problems[0], extra={"fields": {"bits": problems}})


def _lines_replace(
    membership: Membership, note: DispatchNote, bits: list[DrillBit], codename: str = CHANGE
) -> None:
    """Make *bits* the drill bits on *note* (each added or removed line audited, and its
    ``bit_count`` with them), under *codename* (adding a note: its ``add`` codename)."""
    lines = {
        line.drillbit_id: line
        for line in DispatchLine.objects.for_tenant(note.tenant_id).filter(note_id=note.pk)
    }
    wanted = {bit.pk for bit in bits}
    for bit_id, line in lines.items():
        if bit_id not in wanted:
            line.note = note
            record_delete(membership=membership, obj=line, codename=codename)
    for bit in bits:
        if bit.pk not in lines:
            record_create(
                membership=membership,
                obj=DispatchLine(note=note, drillbit=bit),
                codename=codename,
            )
    if note.bit_count != len(bits):
        record_update(
            membership=membership, obj=note, codename=codename, changes={"bit_count": len(bits)}
        )


@atomic_write
def dispatchnote_create(
    *,
    membership: Membership,
    kind: str = NoteKind.OUTBOUND,
    rig: Any = None,
    well: Any = None,
    date: dt.date | None = None,
    carrier: str = "",
    reference: str = "",
    notes: str = "",
    bits: Iterable[Any] = (),
) -> DispatchNote:
    """A new dispatch note in Draft, numbered ``DN-<year>-<n>`` per organization, with
    *bits* (drill bits or their ids) on it; audited."""
    policy.require(membership, ADD)
    kind = str(kind or NoteKind.OUTBOUND)
    chosen = _own_bits(membership, bits or ())
    if kind in TAKES:
        _check_bits(chosen, kind)
    note = DispatchNote(
        kind=kind,
        rig=rig,
        well=well,
        date=date or timezone.localdate(),
        carrier=carrier or "",
        reference=reference or "",
        notes=notes or "",
        created_by=membership.user,
    )
    note.number = _next_number(membership.tenant_id)
    record_create(membership=membership, obj=note, codename=ADD)
    _lines_replace(membership, note, chosen, codename=ADD)
    return note


@atomic_write
def dispatchnote_update(
    *, membership: Membership, dispatchnote: DispatchNote, **changes: Any
) -> DispatchNote:
    """Change a draft note's fields (``EDITABLE_FIELDS``) and, with ``bits``, the drill bits
    on it; its ``state`` moves through the workflow transition that leads there."""
    fields_allowed(
        changes, (*EDITABLE_FIELDS, "state", "bits"), "dispatchnote_update", verb="change"
    )
    state = changes.pop("state", None)
    bits = changes.pop("bits", None)
    row = row_lock(DispatchNote, pk=dispatchnote.pk, tenant_id=membership.tenant_id)
    policy.require(membership, CHANGE, row)
    if (changes or bits is not None) and row.state != NoteState.DRAFT:
        field = next(iter(changes), "bits")
        raise _refuse(field, _("Only a draft dispatch note can be changed."))
    kind = str(changes.get("kind") or row.kind)
    if changes:
        record_update(membership=membership, obj=dispatchnote, codename=CHANGE, changes=changes)
    if bits is not None:
        chosen = _own_bits(membership, bits)
        _check_bits(chosen, kind)
        _lines_replace(membership, dispatchnote, chosen)
    if state is not None and str(state) != dispatchnote.state:
        dispatchnote_move_to(membership=membership, dispatchnote=dispatchnote, state=str(state))
    return dispatchnote


def dispatchnote_delete(*, membership: Membership, dispatchnote: DispatchNote) -> None:
    """Delete a draft note (an issued one stays: its bits moved with it)."""
    if dispatchnote.state != NoteState.DRAFT:
        raise Conflict(_("Only a draft dispatch note can be deleted."))
    record_delete(membership=membership, obj=dispatchnote, codename=DELETE)


def _locked_bits(membership: Membership, note: DispatchNote) -> list[DrillBit]:
    """The drill bits on *note*, locked by id (after the note's row)."""
    ids = DispatchLine.objects.for_tenant(membership.tenant_id).filter(note_id=note.pk)
    return list(
        DrillBit.objects.for_tenant(membership.tenant_id)
        .select_for_update()
        .filter(pk__in=ids.values("drillbit_id"))
        .order_by("pk")
    )


def _bits_follow(membership: Membership, note: DispatchNote, bits: list[DrillBit]) -> None:
    """Move every bit of the issued *note* to where it sends it, each through its own
    workflow under the member's permission. Every bit is checked before any moves."""
    kind = str(note.kind)
    _check_bits(bits, kind)
    moves = MOVES[kind]
    for bit in bits:
        if str(bit.status) == BitState.IN_STOCK:
            # The assign move takes the bit to the rig or well set on it: the note's.
            drillbit_update(membership=membership, drillbit=bit, rig=note.rig, well=note.well)
        while str(bit.status) != TARGET[kind]:
            drillbit_transition(
                membership=membership, drillbit=bit, transition=moves[str(bit.status)]
            )


@atomic_write
def dispatchnote_transition(
    *, membership: Membership, dispatchnote: DispatchNote, transition: str
) -> DispatchNote:
    """Take *transition* (``issue`` or ``cancel``); a guard's reason ("Add at least one
    drill bit.") refuses it. Issuing moves the note's bits in the same transaction."""
    row_lock(DispatchNote, pk=dispatchnote.pk, tenant_id=membership.tenant_id)
    bits = _locked_bits(membership, dispatchnote)
    transition_apply(membership=membership, obj=dispatchnote, transition=transition)
    if dispatchnote.state == NoteState.ISSUED:
        _bits_follow(membership, dispatchnote, bits)
    return dispatchnote


def dispatchnote_move_to(
    *, membership: Membership, dispatchnote: DispatchNote, state: str
) -> DispatchNote:
    """Move *dispatchnote* to *state* through the transition that leads there now."""
    return record_move_to(
        membership=membership,
        obj=dispatchnote,
        state=state,
        move=lambda name: dispatchnote_transition(
            membership=membership, dispatchnote=dispatchnote, transition=name
        ),
    )


def dispatchnote_state_effects(note: DispatchNote, membership: Membership) -> dict[str, Any]:
    """What a move sets besides the state: when the note was issued."""
    return {"issued_at": timezone.now() if note.state == NoteState.ISSUED else None}
