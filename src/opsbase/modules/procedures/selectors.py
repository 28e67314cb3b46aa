"""Reads of procedures: their row specification, lists scoped to the caller's tenant, the
versions a work order requires, who acknowledged them, and the gate before a work order
starts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import DateTime, File, LongText, Number, Person, Rank, RowSpec, State, Text
from opsbase.kit.selectors import record_get_for, record_list

from .constants import STATE_BADGES, VIEW, ProcedureState
from .models import Acknowledgement, Procedure, ProcedureRequirement

ROWS = RowSpec(
    Procedure,
    columns=[
        Number("id", table=False, detail=False),
        Text("code", testid="code"),
        Number("version"),
        Text("title", link=True, detail=False),
        State("state", badges=STATE_BADGES, label_key="state_label"),
        Person("author", email_key="author_email"),
        Person("approved_by", email_key="approved_by_email", hide_empty=True),
        DateTime("approved_at", table=False, hide_empty=True),
        LongText("body", table=False, csv=False, detail=False),
        File("attachment", _lazy("Attachment"), detail=False),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "created_at": "created_at",
        "updated_at": "updated_at",
        "code": "code",
        "version": "version",
        "state": Rank("state"),
    },
    default_sort="code",
)
RELATED = ("author__user", "approved_by__user")


def procedure_list(*, membership: Membership) -> QuerySet[Procedure]:
    """Every procedure version of *membership*'s organization, by code then newest version."""
    rows = record_list(Procedure, membership=membership, codename=VIEW, related=RELATED)
    return rows.order_by("code", "-version", "-pk")


def procedure_get_for(*, membership: Membership, pk: int | str) -> Procedure:
    """Procedure version *pk* of *membership*'s organization (``NotFound`` for any other)."""
    return record_get_for(Procedure, membership=membership, pk=pk, codename=VIEW, related=RELATED)


def procedure_versions(*, procedure: Procedure) -> QuerySet[Procedure]:
    """Every version of *procedure*'s document (already checked visible), newest first."""
    return (
        Procedure.objects.for_tenant(procedure.tenant_id)
        .filter(code=procedure.code)
        .order_by("-version")
    )


def acknowledgement_list(*, procedure: Procedure) -> QuerySet[Acknowledgement]:
    """Who acknowledged *procedure* (already checked visible), first first."""
    return (
        Acknowledgement.objects.for_tenant(procedure.tenant_id)
        .filter(procedure_id=procedure.pk)
        .select_related("member__user")
        .order_by("pk")
    )


def requirement_list(*, tenant_id: int, work_order_id: int) -> QuerySet[ProcedureRequirement]:
    """The procedure versions a work order (or its operations) requires."""
    return (
        ProcedureRequirement.objects.for_tenant(tenant_id)
        .filter(work_order_id=work_order_id)
        .select_related("procedure", "operation")
        .order_by("pk")
    )


def requirement_data(requirement: ProcedureRequirement) -> dict[str, Any]:
    procedure = requirement.procedure
    return {
        "id": requirement.pk,
        "work_order": requirement.work_order_id,
        "operation": requirement.operation_id,
        "procedure": procedure.pk,
        "code": procedure.code,
        "version": procedure.version,
        "title": procedure.title,
    }


def unacknowledged(*, tenant_id: int, work_order_id: int, member_id: int) -> list[Procedure]:
    """The procedure versions a work order requires that *member_id* has not acknowledged."""
    required = {
        r.procedure_id: r.procedure
        for r in requirement_list(tenant_id=tenant_id, work_order_id=work_order_id)
    }
    if not required:
        return []
    read = set(
        Acknowledgement.objects.for_tenant(tenant_id)
        .filter(member_id=member_id, procedure_id__in=list(required))
        .values_list("procedure_id", flat=True)
    )
    return [p for pk, p in sorted(required.items()) if pk not in read]


def workorder_transition_blocker(
    *, work_order: Any, membership: Membership, transition: str
) -> str | None:
    """Why *work_order* may not take *transition* now (the hook the workorders module asks):
    starting it needs whoever does the work (its assignee, else the member starting it) to
    have acknowledged every procedure version it requires."""
    if transition != "start":
        return None
    worker = work_order.assignee_id or membership.pk
    missing = unacknowledged(
        tenant_id=membership.tenant_id, work_order_id=work_order.pk, member_id=worker
    )
    if not missing:
        return None
    names = ", ".join(f"{p.code} v{p.version} ({p.title})" for p in missing)
    return _(
        "Starting needs the procedure acknowledged first by whoever does the work: %(names)s."
    ) % {"names": names}


def approved_version(*, tenant_id: int, code: str) -> Procedure | None:
    """The approved version of a document, if any."""
    return (
        Procedure.objects.for_tenant(tenant_id)
        .filter(code=code, state=ProcedureState.APPROVED)
        .order_by("-version")
        .first()
    )
