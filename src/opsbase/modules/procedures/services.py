"""Writes of procedures: versions, review and approval, attachments, the versions a work
order requires and their acknowledgement. The kit's helpers and the workflow do the rest
(policy on the locked row, validation, audit).

Approving a version supersedes the document's approved one in the same transaction. Lock
order: every version of the document (by id), then the audit chain head, as every write of
OpsBase does; two approvals of one document at once queue on the first version's row.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.exceptions import ValidationError
from opsbase.core.rls import rls_row_scope
from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kernel.workflows import transition_apply
from opsbase.kit.numbering import sequence_next
from opsbase.kit.services import record_create, record_delete, record_move_to, record_update
from opsbase.modules.workorders.constants import CHANGE as WORKORDER_CHANGE
from opsbase.modules.workorders.models import Operation, WorkOrder

from .constants import ACKNOWLEDGE, ADD, CHANGE, DELETE, VIEW, ProcedureState
from .models import Acknowledgement, Procedure, ProcedureCounter, ProcedureRequirement

EDITABLE_FIELDS = ("title", "body", "attachment")


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError(message, extra={"fields": {field: [message]}})


def _code(code: str) -> str:
    code = " ".join((code or "").split()).upper()
    if not code:
        raise _refuse("code", _("Give the procedure a code, such as SOP-014."))
    return code


def _next_version(tenant_id: int, code: str) -> int:
    return sequence_next(ProcedureCounter, tenant_id=tenant_id, code=code)


@atomic_write
def procedure_create(
    *,
    membership: Membership,
    code: str,
    title: str,
    body: str = "",
    attachment: Any = None,
    **_ignored: Any,
) -> Procedure:
    """A new Draft version of the document *code* (version 1, or the next one when the code
    has versions already), written by *membership*."""
    policy.require(membership, ADD)
    code = _code(code)
    procedure = Procedure(
        code=code,
        title=title or "",
        body=body or "",
        author=membership,
        attachment=attachment or "",
    )
    procedure.version = _next_version(membership.tenant_id, code)
    return record_create(membership=membership, obj=procedure, codename=ADD)


@atomic_write
def procedure_new_version(*, membership: Membership, procedure: Procedure) -> Procedure:
    """A Draft copy of *procedure* as the document's next version, written by *membership*."""
    policy.require(membership, ADD)
    copy = Procedure(
        code=procedure.code,
        title=procedure.title,
        body=procedure.body,
        attachment=procedure.attachment.name or "",
        author=membership,
    )
    copy.version = _next_version(membership.tenant_id, procedure.code)
    return record_create(membership=membership, obj=copy, codename=ADD)


@atomic_write
def procedure_update(*, membership: Membership, procedure: Procedure, **changes: Any) -> Procedure:
    """Change the text of a Draft version (``title``, ``body``, ``attachment``); its
    ``state`` through the workflow."""
    state = changes.pop("state", None)
    changes = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
    if changes:
        if procedure.state != ProcedureState.DRAFT:
            raise ValidationError(
                _("Only a draft is edited: write a new version of an approved procedure.")
            )
        record_update(membership=membership, obj=procedure, codename=CHANGE, changes=changes)
    elif state is None:
        policy.require(membership, CHANGE, procedure)
    if state is not None and str(state) != procedure.state:
        procedure_move_to(membership=membership, procedure=procedure, state=str(state))
    return procedure


@atomic_write
def procedure_transition(
    *, membership: Membership, procedure: Procedure, transition: str, **values: Any
) -> Procedure:
    """Take *transition* (``submit``, ``return``, ``approve``, ``supersede``). Approval is
    refused to the version's author (the policy, 403); it supersedes the document's approved
    version in the same transaction."""
    values = {k: v for k, v in values.items() if v not in (None, "")}
    siblings: list[Procedure] = []
    if transition == "approve":
        with rls_row_scope(membership.tenant_id):
            siblings = list(
                Procedure.objects.for_tenant(membership.tenant_id)
                .filter(code=procedure.code)
                .order_by("pk")
                .select_for_update()
            )
    transition_apply(membership=membership, obj=procedure, transition=transition, **values)
    for other in siblings:
        if other.pk != procedure.pk and other.state == ProcedureState.APPROVED:
            transition_apply(membership=membership, obj=other, transition="supersede")
    return procedure


def procedure_move_to(
    *, membership: Membership, procedure: Procedure, state: str, **values: Any
) -> Procedure:
    """Move *procedure* to *state* through the transition that leads there now."""
    return record_move_to(
        membership=membership,
        obj=procedure,
        state=state,
        move=lambda name: procedure_transition(
            membership=membership, procedure=procedure, transition=name, **values
        ),
    )


def procedure_state_effects(procedure: Procedure, membership: Membership) -> dict[str, Any]:
    """What a move sets besides the state: who approved the version and when (kept once
    approved, cleared when it goes back to draft)."""
    if procedure.state == ProcedureState.APPROVED:
        return {"approved_by": membership.pk, "approved_at": timezone.now()}
    if procedure.state in (ProcedureState.DRAFT, ProcedureState.IN_REVIEW):
        return {"approved_by": None, "approved_at": None}
    return {}


def procedure_delete(*, membership: Membership, procedure: Procedure) -> None:
    """Delete a draft version written by mistake (any other stays: it is the record)."""
    if procedure.state != ProcedureState.DRAFT:
        raise ValidationError(_("Only a draft procedure can be deleted."))
    record_delete(membership=membership, obj=procedure, codename=DELETE)


# -- work orders ------------------------------------------------------------------------------


def _approved(procedure: Procedure, field: str = "procedure") -> None:
    if procedure.state != ProcedureState.APPROVED:
        raise _refuse(field, _("Only an approved procedure version can be required or read."))


@atomic_write
def procedure_require(
    *,
    membership: Membership,
    procedure: Procedure,
    work_order: WorkOrder,
    operation: Operation | None = None,
) -> ProcedureRequirement:
    """*work_order* (or its *operation*) requires the approved version *procedure*: whoever
    does the work acknowledges it before the order starts. Needs the right to edit the order."""
    if work_order.tenant_id != membership.tenant_id:
        raise _refuse("work_order", _("Choose one of your organization's work orders."))
    policy.require(membership, WORKORDER_CHANGE, work_order)
    _approved(procedure)
    if operation is not None and operation.work_order_id != work_order.pk:
        raise _refuse("operation", _("Choose an operation of this work order."))
    existing = (
        ProcedureRequirement.objects.for_tenant(membership.tenant_id)
        .filter(work_order_id=work_order.pk, procedure_id=procedure.pk, operation=operation)
        .first()
    )
    if existing is not None:
        return existing
    requirement = ProcedureRequirement(
        procedure=procedure, work_order=work_order, operation=operation
    )
    return record_create(membership=membership, obj=requirement, codename=VIEW)


@atomic_write
def procedure_acknowledge(*, membership: Membership, procedure: Procedure) -> Acknowledgement:
    """*membership* has read the approved version *procedure* (once: again answers the first
    acknowledgement)."""
    policy.require(membership, ACKNOWLEDGE, procedure)
    _approved(procedure)
    existing = (
        Acknowledgement.objects.for_tenant(membership.tenant_id)
        .filter(procedure_id=procedure.pk, member_id=membership.pk)
        .first()
    )
    if existing is not None:
        return existing
    acknowledgement = Acknowledgement(procedure=procedure, member=membership)
    return record_create(membership=membership, obj=acknowledgement, codename=ACKNOWLEDGE)
