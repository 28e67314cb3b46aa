"""Writes of work orders, their operations and parts: their business rules; the kit's helpers
do the rest (policy on the locked row, validation, audit).

Lock order of a change to an operation or a part: the work order's row first (so that two
members ticking operations of one order at once queue, and its progress is always worked out
from what is committed), then the operation's row or the stock balance, then the audit chain
head, last, as every write of OpsBase does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.exceptions import Conflict, InvalidTransition, NotFound, ValidationError
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import transition_apply
from opsbase.kit import notifications
from opsbase.kit.hooks import hook
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
from opsbase.modules.drillbits.services import drillbit_transition

from .constants import (
    ADD,
    CHANGE,
    DELETE,
    EDITABLE_STATES,
    NUMBER_PREFIX,
    OPEN_STATES,
    VIEW,
    WORK,
    WORKORDER_WORKFLOW,
    WorkOrderPriority,
    WorkOrderState,
    WorkOrderType,
)
from .models import (
    Operation,
    WorkOrder,
    WorkOrderBit,
    WorkOrderCounter,
    WorkOrderPart,
    progress_of,
)
from .selectors import workorder_complete_blocker

EDITABLE_FIELDS = (
    "title",
    "type",
    "customer",
    "assignee",
    "priority",
    "due_date",
    "planned_start",
    "notes",
)


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError(message, extra={"fields": {field: [message]}})


def _next_number(tenant_id: int) -> str:
    """The next work-order number of the tenant this year (``WO-2026-0042``), gapless
    (``kit.numbering``)."""
    year = timezone.localdate().year
    seq = sequence_next(WorkOrderCounter, tenant_id=tenant_id, year=year)
    return f"{NUMBER_PREFIX}-{year}-{seq:04d}"


def _customer_check(membership: Membership) -> Any:
    def check(row: WorkOrder, changed: frozenset[str]) -> None:
        if "customer" in changed and row.customer_id is not None:
            customer = row.customer
            if customer is None or customer.tenant_id != membership.tenant_id:
                raise _refuse("customer", _("Choose one of your organization's customers."))

    return check


@atomic_write
def workorder_create(
    *,
    membership: Membership,
    title: str,
    type: str = WorkOrderType.REPAIR,  # noqa: A002 - the field's name
    customer: Any = None,
    assignee: Membership | None = None,
    priority: str = WorkOrderPriority.NORMAL,
    due_date: dt.date | None = None,
    planned_start: dt.date | None = None,
    notes: str = "",
    operations: list[dict[str, Any]] | None = None,
) -> WorkOrder:
    """A new work order in Draft, numbered ``WO-<year>-<n>`` per organization; with
    *operations* (``[{"title", "planned_hours"}]``), its checklist in that order."""
    policy.require(membership, ADD)
    work_order = WorkOrder(
        title=title or "",
        type=type or WorkOrderType.REPAIR,
        customer=customer,
        assignee=assignee,
        priority=priority or WorkOrderPriority.NORMAL,
        due_date=due_date,
        planned_start=planned_start,
        notes=notes or "",
        created_by=membership.user,
    )
    work_order.number = _next_number(membership.tenant_id)
    record_create(
        membership=membership, obj=work_order, codename=ADD, check=_customer_check(membership)
    )
    for step in operations or ():
        operation_add(membership=membership, work_order=work_order, **step)
    return work_order


@atomic_write
def workorder_update(*, membership: Membership, workorder: WorkOrder, **changes: Any) -> WorkOrder:
    """Change fields of *workorder* (``EDITABLE_FIELDS``; its ``state`` through the workflow
    transition that leads there) in one transaction."""
    fields_allowed(changes, (*EDITABLE_FIELDS, "state"), "workorder_update", verb="change")
    state = changes.pop("state", None)
    if changes:
        record_update(
            membership=membership,
            obj=workorder,
            codename=CHANGE,
            changes=changes,
            check=_customer_check(membership),
        )
    elif state is None:
        policy.require(membership, CHANGE, workorder)
    if state is not None and str(state) != workorder.state:
        workorder_move_to(membership=membership, workorder=workorder, state=str(state))
    return workorder


@atomic_write
def workorder_transition(
    *, membership: Membership, workorder: WorkOrder, transition: str, **values: Any
) -> WorkOrder:
    """Take *transition* (``plan``, ``release``, ``start``, ``hold``, ``resume``,
    ``resume_work``, ``send_to_qc``, ``rework``, ``complete``, ``cancel``); a guard's reason
    refuses it. *workorder* follows the saved row.

    A repair order's drill bits move with it in the same transaction, each through its own
    workflow and under the member's permission: starting sends a returned bit to repair,
    completing puts them back in stock (``_bits_follow``)."""
    values = {k: v for k, v in values.items() if v not in (None, "")}
    if transition == "complete":
        row_lock(WorkOrder, pk=workorder.pk, tenant_id=membership.tenant_id)
        reason = workorder_complete_blocker(workorder, membership)
        if reason:
            raise Conflict(reason, extra={"transition": transition, "state": workorder.state})
    bits: list[DrillBit] = []
    if workorder.type == WorkOrderType.REPAIR:
        row_lock(WorkOrder, pk=workorder.pk, tenant_id=membership.tenant_id)
        bits = _locked_bits(membership, workorder)
    _gate(membership, workorder, transition)
    transition_apply(membership=membership, obj=workorder, transition=transition, **values)
    if bits:
        _bits_follow(membership, workorder, bits)
    if transition == "release" and workorder.assignee_id is not None:
        notifications.notify_after_commit(
            recipient=workorder.assignee,
            event="workorders.released",
            title=_("Work order %(number)s is released to you") % {"number": workorder.number},
            url=workorder.get_absolute_url(),
            actor=membership,
        )
    return workorder


#: A module that must approve a move first (procedures: the required procedures read before
#: the order starts) offers a blocker under this name (``opsbase.kit.hooks``); its reason
#: refuses the move with a 409.
TRANSITION_GATE = "procedures.workorder_transition_blocker"


def _gate(membership: Membership, workorder: WorkOrder, transition: str) -> None:
    """Ask the installed gate about a move the member may otherwise make now."""
    blocker = hook(TRANSITION_GATE)
    declared = WORKORDER_WORKFLOW.transition(transition)
    if blocker is None or declared is None or not declared.leaves(workorder.state):
        return  # no gate, or the workflow refuses the move with its own reason
    if declared.codename and not policy.can(membership, declared.codename, workorder):
        return  # the workflow answers 403 with the policy's reason
    reason = blocker(work_order=workorder, membership=membership, transition=transition)
    if reason:
        raise Conflict(reason, extra={"transition": transition, "state": workorder.state})


def workorder_move_to(
    *, membership: Membership, workorder: WorkOrder, state: str, **values: Any
) -> WorkOrder:
    """Move *workorder* to *state* through the transition that leads there now."""
    return record_move_to(
        membership=membership,
        obj=workorder,
        state=state,
        move=lambda name: workorder_transition(
            membership=membership, workorder=workorder, transition=name, **values
        ),
    )


def workorder_state_effects(work_order: WorkOrder, membership: Membership) -> dict[str, Any]:
    """What a move sets besides the state: when the order was completed (``None`` unless it
    is now Completed). The workflow calls this on the locked row in its new state, before it
    saves; the time each state was entered is the workflow's own record (``StateChange``)."""
    completed = timezone.now() if work_order.state == WorkOrderState.COMPLETED else None
    return {"completed_at": completed}


def workorder_delete(*, membership: Membership, workorder: WorkOrder) -> None:
    """Delete a draft work order (any other is cancelled instead; its history stays)."""
    if workorder.state != WorkOrderState.DRAFT:
        raise Conflict(_("Only a draft work order can be deleted; cancel it instead."))
    record_delete(membership=membership, obj=workorder, codename=DELETE)


# -- operations -------------------------------------------------------------------------------


def _locked_order(membership: Membership, work_order: WorkOrder, codename: str) -> WorkOrder:
    """*work_order*'s row, locked and read afresh, after checking *codename* on it."""
    row = row_lock(WorkOrder, pk=work_order.pk, tenant_id=membership.tenant_id)
    policy.require(membership, VIEW, row)
    policy.require(membership, codename, row)
    return row


def _progress_refresh(membership: Membership, work_order: WorkOrder, codename: str) -> None:
    """Save *work_order*'s progress as ``progress_of`` works it out from its operations now
    (audited when it changes)."""
    steps = (
        Operation.objects.for_tenant(work_order.tenant_id)
        .filter(work_order_id=work_order.pk)
        .values_list("planned_hours", "done")
    )
    progress = progress_of(steps)
    if progress != work_order.progress:
        record_update(
            membership=membership, obj=work_order, codename=codename, changes={"progress": progress}
        )


def _hours_of(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        hours = Decimal("NaN")
    if not hours.is_finite() or hours < 0:
        raise _refuse(field, _("Enter a number of hours, zero or more."))
    return hours


@atomic_write
def operation_add(
    *,
    membership: Membership,
    work_order: WorkOrder,
    title: str,
    planned_hours: Decimal | str | None = None,
    position: int | None = None,
) -> Operation:
    """A new step at the end of *work_order*'s checklist (or at *position*)."""
    row = _locked_order(membership, work_order, CHANGE)
    if row.state not in EDITABLE_STATES:
        raise _refuse("title", _("The operations of a work order in QC or closed are fixed."))
    if position is None:
        last = (
            Operation.objects.for_tenant(row.tenant_id)
            .filter(work_order_id=row.pk)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        position = 1 if last is None else last + 1
    operation = Operation(
        work_order=row,
        title=title or "",
        planned_hours=_hours_of(planned_hours, "planned_hours"),
        position=position,
    )
    record_create(membership=membership, obj=operation, codename=CHANGE)
    _progress_refresh(membership, row, CHANGE)
    work_order.progress = row.progress
    return operation


@atomic_write
def operation_update(
    *,
    membership: Membership,
    work_order: WorkOrder,
    operation: Operation,
    **changes: Any,
) -> Operation:
    """Change an operation: ``done`` and ``actual_hours`` (whoever works on the order, while
    it is in progress); ``title``, ``planned_hours`` and ``position`` (who plans it). Ticking
    it done records who and when; the order's progress follows in the same transaction."""
    fields_allowed(
        changes,
        ("done", "actual_hours", "title", "planned_hours", "position"),
        "operation_update",
        verb="change",
    )
    planning = {k: v for k, v in changes.items() if k in ("title", "planned_hours", "position")}
    codename = CHANGE if planning else WORK
    row = _locked_order(membership, work_order, codename)
    if operation.work_order_id != row.pk:
        raise NotFound()
    edits: dict[str, Any] = dict(planning)
    if "planned_hours" in edits:
        edits["planned_hours"] = _hours_of(edits["planned_hours"], "planned_hours")
    if planning and row.state not in EDITABLE_STATES:
        raise _refuse("title", _("The operations of a work order in QC or closed are fixed."))
    working = {k: changes[k] for k in ("done", "actual_hours") if k in changes}
    if working and row.state != WorkOrderState.IN_PROGRESS:
        field = next(iter(working))
        raise _refuse(field, _("Start the work order before recording work on its operations."))
    if "actual_hours" in working:
        edits["actual_hours"] = _hours_of(working["actual_hours"], "actual_hours")
    if "done" in working:
        done = bool(working["done"])
        edits["done"] = done
        if done != operation.done:
            edits["done_by"] = membership.user if done else None
            edits["done_at"] = timezone.now() if done else None
    operation.work_order = row
    record_update(membership=membership, obj=operation, codename=codename, changes=edits)
    _progress_refresh(membership, row, codename)
    work_order.progress = row.progress
    return operation


@atomic_write
def operation_delete(
    *, membership: Membership, work_order: WorkOrder, operation: Operation
) -> None:
    """Remove a step from the checklist of a work order not yet in QC."""
    row = _locked_order(membership, work_order, CHANGE)
    if operation.work_order_id != row.pk:
        raise NotFound()
    if row.state not in EDITABLE_STATES:
        raise ValidationError(_("The operations of a work order in QC or closed are fixed."))
    operation.work_order = row
    record_delete(membership=membership, obj=operation, codename=CHANGE)
    _progress_refresh(membership, row, CHANGE)
    work_order.progress = row.progress


# -- parts ------------------------------------------------------------------------------------


@atomic_write
def part_issue(
    *,
    membership: Membership,
    work_order: WorkOrder,
    item: Any,
    location: Any,
    quantity: Decimal | str | int,
) -> WorkOrderPart:
    """Issue *quantity* of *item* from *location* to *work_order* (in progress): one stock
    movement posted through inventory's ``inventory.issue`` in the same transaction, so a
    refusal there (not enough stock, no permission) leaves nothing behind."""
    row = _locked_order(membership, work_order, WORK)
    if row.state != WorkOrderState.IN_PROGRESS:
        raise _refuse("quantity", _("Parts are issued while the work order is in progress."))
    issue = hook("inventory.issue")
    if issue is None:  # pragma: no cover - inventory is a declared dependency
        raise ValidationError(_("Inventory is not installed."))
    movement = issue(
        membership=membership,
        item=item,
        location=location,
        quantity=quantity,
        reference=f"workorders.workorder:{row.pk}",
        reason=str(row),
    )
    part = WorkOrderPart(
        work_order=row,
        item=movement.item,
        location=movement.from_location,
        quantity=movement.quantity,
        movement=movement,
        issued_by=membership.user,
    )
    return record_create(membership=membership, obj=part, codename=WORK)


# -- drill bits -------------------------------------------------------------------------------

#: The bit states a repair order takes a bit in: it is repaired, then back in stock.
REPAIRABLE = (BitState.RETURNED, BitState.REPAIR)


def _own_bit(membership: Membership, value: Any) -> DrillBit:
    """*value* (a bit or its id) as a drill bit of *membership*'s organization, else a field
    error (another organization's bit is as unknown as a missing one)."""
    if isinstance(value, DrillBit):
        value = value.pk if value.tenant_id == membership.tenant_id else None
    found = None
    if value is not None and str(value).isdigit() and len(str(value)) <= 18:
        found = DrillBit.objects.for_tenant(membership.tenant_id).filter(pk=int(value)).first()
    if found is None:
        raise _refuse("drillbit", _("Choose one of your organization's drill bits."))
    return found


@atomic_write
def bit_add(*, membership: Membership, work_order: WorkOrder, drillbit: Any) -> WorkOrderBit:
    """Put a drill bit on *work_order* (not yet in QC nor closed). A repair order takes a
    bit returned from the field or in repair; no bit is on two open orders at once."""
    row = _locked_order(membership, work_order, CHANGE)
    if row.state not in EDITABLE_STATES:
        raise _refuse("drillbit", _("The bits of a work order in QC or closed are fixed."))
    bit = _own_bit(membership, drillbit)
    if bit.status == BitState.SCRAPPED:
        raise _refuse("drillbit", _("%(bit)s is scrapped.") % {"bit": bit})
    if row.type == WorkOrderType.REPAIR and bit.status not in REPAIRABLE:
        raise _refuse(
            "drillbit",
            _(
                "A repair order takes a bit returned from the field or in repair; "
                "%(bit)s is %(state)s."
            )
            % {"bit": bit, "state": bit.get_status_display()},
        )
    taken = (
        WorkOrderBit.objects.for_tenant(row.tenant_id)
        .filter(drillbit_id=bit.pk, work_order__state__in=OPEN_STATES)
        .select_related("work_order")
        .first()
    )
    if taken is not None:
        raise _refuse(
            "drillbit",
            _("%(bit)s is already on %(order)s.") % {"bit": bit, "order": taken.work_order.number},
        )
    link = WorkOrderBit(work_order=row, drillbit=bit)
    return record_create(membership=membership, obj=link, codename=CHANGE)


@atomic_write
def bit_remove(*, membership: Membership, work_order: WorkOrder, drillbit: Any) -> None:
    """Take a drill bit off *work_order* (not yet in QC nor closed)."""
    row = _locked_order(membership, work_order, CHANGE)
    if row.state not in EDITABLE_STATES:
        raise _refuse("drillbit", _("The bits of a work order in QC or closed are fixed."))
    bit_id = drillbit.pk if isinstance(drillbit, DrillBit) else drillbit
    link = (
        WorkOrderBit.objects.for_tenant(row.tenant_id)
        .filter(work_order_id=row.pk, drillbit_id=bit_id)
        .first()
    )
    if link is None:
        raise NotFound()
    link.work_order = row
    record_delete(membership=membership, obj=link, codename=CHANGE)


def _locked_bits(membership: Membership, work_order: WorkOrder) -> list[DrillBit]:
    """The drill bits on *work_order*, locked by id (after the order's row, before the audit
    chain head: the one lock order)."""
    ids = WorkOrderBit.objects.for_tenant(membership.tenant_id).filter(work_order_id=work_order.pk)
    return list(
        DrillBit.objects.for_tenant(membership.tenant_id)
        .select_for_update()
        .filter(pk__in=ids.values("drillbit_id"))
        .order_by("pk")
    )


def _bits_follow(membership: Membership, work_order: WorkOrder, bits: list[DrillBit]) -> None:
    """A repair order's bits follow it through their own workflow: starting the work sends
    a returned bit to repair; completing it puts every bit in repair back in stock. A bit
    that cannot move refuses the order's move, naming it."""
    if work_order.type != WorkOrderType.REPAIR:
        return
    moves: dict[str, str]
    if work_order.state == WorkOrderState.IN_PROGRESS:
        moves = {BitState.RETURNED.value: "repair"}
    elif work_order.state == WorkOrderState.COMPLETED:
        moves = {BitState.RETURNED.value: "repair", BitState.REPAIR.value: "restock"}
    else:
        return
    for bit in bits:
        while str(bit.status) in moves:
            try:
                drillbit_transition(
                    membership=membership, drillbit=bit, transition=moves[str(bit.status)]
                )
            except InvalidTransition as exc:
                raise InvalidTransition(
                    _("Drill bit %(bit)s: %(reason)s") % {"bit": bit, "reason": exc.message},
                    extra=exc.extra,
                ) from None
