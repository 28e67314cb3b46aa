"""Writes of NCRs and their dispositions: the quality rules; the kit's helpers and the
workflow do the rest (policy on the locked row, validation, audit).

A disposition is recorded and applied in one transaction: the rework order, the bit's move
or the stock movement it makes is written by the owning module's own service, under the
acting member's permissions, and any refusal there rolls the disposition back with it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
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
from opsbase.modules.checklists.models import FormVersion
from opsbase.modules.checklists.services import submission_create
from opsbase.modules.drillbits.constants import BitState
from opsbase.modules.drillbits.services import drillbit_move_to
from opsbase.modules.inventory.services import movement_post
from opsbase.modules.tasks.services import task_create
from opsbase.modules.workorders.models import WorkOrder
from opsbase.modules.workorders.services import workorder_create

from .constants import (
    ADD,
    ADD_INSPECTION,
    APPROVE_CONCESSION,
    CHANGE,
    CHANGE_INSPECTION,
    DELETE,
    DELETE_INSPECTION,
    DISPOSITION,
    INSPECTION_PREFIX,
    NUMBER_PREFIX,
    OPEN_STATES,
    VIEW,
    VIEW_INSPECTION,
    DispositionKind,
    InspectionResult,
    NcrState,
    Severity,
)
from .models import Disposition, Inspection, InspectionCounter, Ncr, NcrCounter

SUBJECT_FIELDS = ("drill_bit", "work_order", "item", "location")
EDITABLE_FIELDS = (
    "title",
    "description",
    "severity",
    *SUBJECT_FIELDS,
    "subject_text",
    "quantity_inspected",
    "quantity_nonconforming",
    "why_1",
    "why_2",
    "why_3",
    "why_4",
    "why_5",
    "containment",
    "corrective_action",
)


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError(message, extra={"fields": {field: [message]}})


def _next_number(tenant_id: int) -> str:
    """The next NCR number of the tenant this year (``NCR-2026-0007``), gapless
    (``kit.numbering``)."""
    year = timezone.localdate().year
    seq = sequence_next(NcrCounter, tenant_id=tenant_id, year=year)
    return f"{NUMBER_PREFIX}-{year}-{seq:04d}"


def _ncr_check(membership: Membership) -> Any:
    """The NCR's own rules: a subject, the organization's records only, and no more
    non-conforming than inspected."""

    def check(row: Ncr, changed: frozenset[str]) -> None:
        for name in SUBJECT_FIELDS:
            target = getattr(row, name) if getattr(row, f"{name}_id") else None
            if target is not None and target.tenant_id != membership.tenant_id:
                raise _refuse(name, _("Choose one of your organization's records."))
        if not (
            row.drill_bit_id or row.work_order_id or row.item_id or (row.subject_text or "").strip()
        ):
            raise _refuse(
                "subject_text",
                _("Name what is non-conforming: a drill bit, a work order, stock or a subject."),
            )
        if row.item_id and not row.location_id:
            raise _refuse("location", _("Choose where the non-conforming stock is."))
        if row.location_id and not row.item_id:
            raise _refuse("item", _("Choose the item at that location."))
        inspected = row.quantity_inspected or Decimal("0")
        bad = row.quantity_nonconforming or Decimal("0")
        if inspected and bad > inspected:
            raise _refuse(
                "quantity_nonconforming",
                _("No more can be non-conforming than were inspected."),
            )

    return check


def _corrective_task(membership: Membership, ncr: Ncr) -> None:
    """The NCR's corrective action as a task of the tasks module (made once, when the action
    is first written down)."""
    text = (ncr.corrective_action or "").strip()
    if not text or ncr.corrective_task_id:
        return
    task = task_create(
        membership=membership,
        title=(_("Corrective action for %(number)s") % {"number": ncr.number})[:200],
        description=text,
        notify=False,
    )
    record_update(membership=membership, obj=ncr, codename=VIEW, changes={"corrective_task": task})


@atomic_write
def ncr_create(
    *,
    membership: Membership,
    title: str,
    severity: str = Severity.MINOR,
    **fields: Any,
) -> Ncr:
    """A new NCR in Open, raised by *membership*, numbered ``NCR-<year>-<n>`` per
    organization; a corrective action given becomes a linked task."""
    fields_allowed(fields, EDITABLE_FIELDS, "ncr_create")
    policy.require(membership, ADD)
    fields = {k: v for k, v in fields.items() if v is not None}
    ncr = Ncr(
        title=title or "",
        severity=severity or Severity.MINOR,
        raised_by=membership,
        created_by=membership.user,
        **fields,
    )
    ncr.number = _next_number(membership.tenant_id)
    record_create(membership=membership, obj=ncr, codename=ADD, check=_ncr_check(membership))
    _corrective_task(membership, ncr)
    return ncr


@atomic_write
def ncr_update(*, membership: Membership, ncr: Ncr, **changes: Any) -> Ncr:
    """Change fields of an open *ncr* (``EDITABLE_FIELDS``; its ``state`` through the
    workflow)."""
    fields_allowed(changes, (*EDITABLE_FIELDS, "state"), "ncr_update", verb="change")
    state = changes.pop("state", None)
    if changes:
        if ncr.state not in OPEN_STATES:
            raise ValidationError(_("A closed or cancelled NCR is not changed any more."))
        record_update(
            membership=membership,
            obj=ncr,
            codename=CHANGE,
            changes=changes,
            check=_ncr_check(membership),
        )
        _corrective_task(membership, ncr)
    elif state is None:
        policy.require(membership, CHANGE, ncr)
    if state is not None and str(state) != ncr.state:
        ncr_move_to(membership=membership, ncr=ncr, state=str(state))
    return ncr


def ncr_delete(*, membership: Membership, ncr: Ncr) -> None:
    """Delete an NCR raised by mistake, while still Open (any other is cancelled instead)."""
    if ncr.state != NcrState.OPEN:
        raise ValidationError(_("Only an open NCR can be deleted; cancel it instead."))
    record_delete(membership=membership, obj=ncr, codename=DELETE)


def ncr_transition(*, membership: Membership, ncr: Ncr, transition: str, **values: Any) -> Ncr:
    """Take *transition* (``investigate``, ``disposition``, ``close``, ``cancel``); a guard's
    reason refuses it, and closing is refused to the NCR's own raiser (the policy)."""
    values = {k: v for k, v in values.items() if v not in (None, "")}
    transition_apply(membership=membership, obj=ncr, transition=transition, **values)
    return ncr


def ncr_move_to(*, membership: Membership, ncr: Ncr, state: str, **values: Any) -> Ncr:
    """Move *ncr* to *state* through the transition that leads there now."""
    return record_move_to(
        membership=membership,
        obj=ncr,
        state=state,
        move=lambda name: ncr_transition(membership=membership, ncr=ncr, transition=name, **values),
    )


def ncr_state_effects(ncr: Ncr, membership: Membership) -> dict[str, Any]:
    """What a move sets besides the state: when the NCR was closed (None unless Closed)."""
    return {"closed_at": timezone.now() if ncr.state == NcrState.CLOSED else None}


# -- dispositions -----------------------------------------------------------------------------


def _quantity_of(value: Any, default: Decimal) -> Decimal:
    if value in (None, ""):
        value = default
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        quantity = Decimal("NaN")
    if not quantity.is_finite() or quantity <= 0:
        raise _refuse("quantity", _("Enter the quantity it applies to, above zero."))
    return quantity


def _reference(ncr: Ncr) -> str:
    return f"quality.ncr:{ncr.pk}"


def _use_as_is(membership: Membership, ncr: Ncr, disposition: Disposition) -> None:
    approver = disposition.approver
    if approver is None:
        raise _refuse("approver", _("Use as is needs a concession approver."))
    if approver.tenant_id != membership.tenant_id or not policy.can(approver, APPROVE_CONCESSION):
        raise _refuse("approver", _("Choose a member who may approve concessions (use as is)."))


def _rework(membership: Membership, ncr: Ncr, disposition: Disposition) -> None:
    origin = ncr.work_order
    subject = ncr.drill_bit.serial_number if ncr.drill_bit_id and ncr.drill_bit else ncr.title
    order = workorder_create(
        membership=membership,
        title=(_("Rework %(subject)s (%(number)s)") % {"subject": subject, "number": ncr.number})[
            :200
        ],
        type="repair",
        customer=origin.customer if origin is not None else None,
        notes=disposition.notes or ncr.title,
    )
    disposition.work_order = order


def _repair(membership: Membership, ncr: Ncr, disposition: Disposition) -> None:
    if ncr.drill_bit is None:
        raise _refuse("kind", _("Repair needs a drill bit on the NCR."))
    drillbit_move_to(membership=membership, drillbit=ncr.drill_bit, state=BitState.REPAIR)


def _stock_out(
    membership: Membership, ncr: Ncr, disposition: Disposition, kind: str, reason: str
) -> None:
    if ncr.item_id is None or ncr.location_id is None:
        raise _refuse("kind", _("This disposition needs the item and location on the NCR."))
    quantity = _quantity_of(disposition.quantity, ncr.quantity_nonconforming)
    disposition.quantity = quantity
    disposition.movement = movement_post(
        membership=membership,
        kind=kind,
        item=ncr.item_id,
        from_location=ncr.location_id,
        quantity=quantity,
        reason=reason,
        reference=_reference(ncr),
        notify=False,
    )


def _scrap(membership: Membership, ncr: Ncr, disposition: Disposition) -> None:
    if ncr.drill_bit is not None:
        drillbit_move_to(
            membership=membership,
            drillbit=ncr.drill_bit,
            state=BitState.SCRAPPED,
            reason=_("Scrapped by %(number)s") % {"number": ncr.number},
        )
        return
    _stock_out(
        membership, ncr, disposition, "scrap", _("Scrapped by %(number)s") % {"number": ncr.number}
    )


def _return_to_vendor(membership: Membership, ncr: Ncr, disposition: Disposition) -> None:
    # The ledger's own "return" kind brings parts back *into* a store; goods sent back to the
    # vendor leave it, so they are posted as an issue out of the location, named as a return.
    _stock_out(
        membership,
        ncr,
        disposition,
        "issue",
        _("Returned to vendor by %(number)s") % {"number": ncr.number},
    )


_ACTIONS = {
    DispositionKind.USE_AS_IS: _use_as_is,
    DispositionKind.REWORK: _rework,
    DispositionKind.REPAIR: _repair,
    DispositionKind.SCRAP: _scrap,
    DispositionKind.RETURN_TO_VENDOR: _return_to_vendor,
}


@atomic_write
def disposition_record(
    *,
    membership: Membership,
    ncr: Ncr,
    kind: str,
    quantity: Decimal | str | None = None,
    notes: str = "",
    approver: Membership | None = None,
) -> Disposition:
    """Record a disposition of *ncr* (in Disposition) and apply it in the same transaction:
    use as is (a concession approver), rework (a new rework work order), repair (the bit to
    Repair), scrap (the bit scrapped, or a scrap movement of the stock), return to vendor (the
    stock out of its location). A refusal of the action keeps nothing."""
    row = row_lock(Ncr, pk=ncr.pk, tenant_id=membership.tenant_id)
    policy.require(membership, VIEW, row)
    policy.require(membership, DISPOSITION, row)
    if kind not in DispositionKind.values:
        raise _refuse("kind", _("Choose a disposition."))
    if row.state != NcrState.DISPOSITION:
        raise _refuse("kind", _("Dispositions are recorded once the NCR is in Disposition."))
    disposition = Disposition(
        ncr=row,
        kind=kind,
        quantity=None if quantity in (None, "") else _quantity_of(quantity, Decimal("0")),
        notes=notes or "",
        approver=approver,
        recorded_by=membership.user,
    )
    _ACTIONS[DispositionKind(kind)](membership, row, disposition)
    return record_create(membership=membership, obj=disposition, codename=DISPOSITION)


# -- inspections ------------------------------------------------------------------------------

INSPECTION_SUBJECTS = ("drill_bit", "work_order", "item", "location")


def _inspection_check(membership: Membership) -> Any:
    """An inspection's subject: one drill bit, one work order (at its QC step), or received
    stock (an item, with the location it was received at), of the organization."""

    def check(row: Inspection, changed: frozenset[str]) -> None:
        if not changed & set(INSPECTION_SUBJECTS):
            return
        for name in INSPECTION_SUBJECTS:
            target = getattr(row, name) if getattr(row, f"{name}_id") else None
            if target is not None and target.tenant_id != membership.tenant_id:
                raise _refuse(name, _("Choose one of your organization's records."))
        subjects = [row.drill_bit_id, row.work_order_id, row.item_id]
        if sum(1 for s in subjects if s) != 1:
            raise _refuse(
                "drill_bit",
                _("Inspect one thing: a drill bit, a work order or a received item."),
            )
        if row.location_id and not row.item_id:
            raise _refuse("location", _("A location goes with a received item."))
        if row.item_id and not row.location_id:
            raise _refuse("location", _("Choose where the item was received."))
        if row.work_order is not None and row.work_order.state != "qc":
            raise _refuse(
                "work_order", _("A work order is inspected at its QC step (send it to QC first).")
            )

    return check


@atomic_write
def inspection_create(
    *,
    membership: Membership,
    form_version: FormVersion,
    answers: dict[str, Any],
    drill_bit: Any = None,
    work_order: Any = None,
    item: Any = None,
    location: Any = None,
    notes: str = "",
) -> Inspection:
    """Record an inspection by *membership*: the form filled against *form_version* is
    checked and kept (``checklists.submission_create``: a required answer missing is a
    field error; a number out of tolerance or a failed check makes the result Failed), and
    the inspection takes its result, numbered ``INS-<year>-<n>``."""
    policy.require(membership, ADD_INSPECTION)
    if form_version is None or form_version.tenant_id != membership.tenant_id:
        raise _refuse("form_version", _("Choose one of your organization's forms."))
    inspection = Inspection(
        drill_bit=drill_bit,
        work_order=work_order,
        item=item,
        location=location,
        form_version=form_version,
        inspector=membership,
        notes=notes or "",
    )
    if work_order is not None and work_order.tenant_id == membership.tenant_id:
        # The order's row first (the lock its completion takes), so it cannot leave QC while
        # its inspection is being recorded.
        inspection.work_order = row_lock(
            WorkOrder, pk=work_order.pk, tenant_id=membership.tenant_id
        )
    # The subject is checked before the form is kept, so a refused one keeps nothing.
    _inspection_check(membership)(inspection, frozenset(INSPECTION_SUBJECTS))
    submission = submission_create(
        membership=membership, version=form_version, answers=answers, subject="quality.inspection"
    )
    inspection.submission = submission
    inspection.result = (
        InspectionResult.PASSED if submission.result == "pass" else InspectionResult.FAILED
    )
    inspection.inspected_at = timezone.now()
    year = timezone.localdate().year
    seq = sequence_next(InspectionCounter, tenant_id=membership.tenant_id, year=year)
    inspection.number = f"{INSPECTION_PREFIX}-{year}-{seq:04d}"
    return record_create(
        membership=membership,
        obj=inspection,
        codename=ADD_INSPECTION,
        check=_inspection_check(membership),
    )


@atomic_write
def inspection_update(
    *, membership: Membership, inspection: Inspection, **changes: Any
) -> Inspection:
    """Change an inspection's ``notes`` (what was found stays as filled in)."""
    fields_allowed(changes, ("notes",), "inspection_update", verb="change")
    return record_update(
        membership=membership, obj=inspection, codename=CHANGE_INSPECTION, changes=changes
    )


def inspection_delete(*, membership: Membership, inspection: Inspection) -> None:
    """Delete an inspection recorded by mistake (one an NCR was raised from is kept: 409)."""
    record_delete(membership=membership, obj=inspection, codename=DELETE_INSPECTION)


@atomic_write
def inspection_raise_ncr(
    *,
    membership: Membership,
    inspection: Inspection,
    title: str = "",
    severity: str = Severity.MAJOR,
) -> Ncr:
    """Raise an NCR from a failed *inspection*, its context filled in: the bit, work order
    or stock inspected, a description naming each flagged answer, one inspected and one
    non-conforming; linked to the inspection (once)."""
    row = row_lock(Inspection, pk=inspection.pk, tenant_id=membership.tenant_id)
    policy.require(membership, VIEW_INSPECTION, row)
    if row.result != InspectionResult.FAILED:
        raise Conflict(_("Only a failed inspection raises an NCR."))
    if row.ncr_id:
        raise Conflict(
            _("%(ncr)s was already raised from this inspection.")
            % {"ncr": row.ncr.number if row.ncr else ""}
        )
    version = row.form_version
    labels = {f["key"]: f["label"] for f in version.fields}
    flags = row.submission.flags or {}
    lines = [
        _("Failed inspection %(number)s (%(form)s, version %(version)d).")
        % {"number": row.number, "form": version.name, "version": version.number}
    ]
    lines += [f"- {labels.get(key, key)}: {message}" for key, message in flags.items()]
    fields: dict[str, Any] = {
        name: getattr(row, name) for name in INSPECTION_SUBJECTS if getattr(row, f"{name}_id")
    }
    ncr = ncr_create(
        membership=membership,
        title=(title or _("Failed inspection %(number)s") % {"number": row.number})[:200],
        severity=severity or Severity.MAJOR,
        description="\n".join(lines),
        quantity_inspected=Decimal("1"),
        quantity_nonconforming=Decimal("1"),
        **fields,
    )
    record_update(
        membership=membership, obj=inspection, codename=VIEW_INSPECTION, changes={"ncr": ncr}
    )
    return ncr
