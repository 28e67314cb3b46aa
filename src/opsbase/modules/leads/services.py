"""Writes of leads: their business rules; the kit's helpers and engines do the mechanics
(policy on the locked row, validation, audit, scoring, moves, timeline, on-commit effects)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opsbase.core.writes import atomic_write
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.conversions import Conversion
from opsbase.kit.deals import Deals
from opsbase.kit.follow_ups import FollowUp
from opsbase.kit.merge import Merges
from opsbase.kit.pipelines import won_only
from opsbase.kit.public_forms import TRACKING_FIELDS
from opsbase.services.analytics import track

from .constants import (
    ADD,
    CHANGE,
    LEAD_FIELDS,
    MERGE,
    REOPEN,
    LeadSource,
)
from .declarations import FOLLOW_UPS_DUE, LEAD_FORMS, LEAD_TIMELINE, PIPELINES, SCORING
from .models import Activity, Lead, LeadMerge, LostReason, Pipeline, Stage

EDITABLE_FIELDS = (*LEAD_FIELDS, *TRACKING_FIELDS, "referrer")


# The kit's writes of leads: placed in their pipeline, owned, scored (the phone normalized
# first), likely duplicates flagged, moved by the pipeline's rules.
LEAD_WRITES = Deals(
    model=Lead,
    pipelines=PIPELINES,
    add=ADD,
    change=CHANGE,
    reopen=REOPEN,
    editable=EDITABLE_FIELDS,
    scoring=SCORING,
    candidates=lambda tenant_id: Lead.objects.for_tenant(tenant_id).filter(merged_into=None),
)


@atomic_write
def lead_create(
    *,
    membership: Membership,
    name: str,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    owner: Membership | None = None,
    source: str = LeadSource.MANUAL,
    **fields: Any,
) -> Lead:
    """A new lead in the pipeline's first stage (or *stage*), owned by *owner* or the creator;
    a likely duplicate is flagged (``duplicate_of``), never refused. Made by the kit's
    ``record_create``: listeners of ``leads.lead.creating`` (``kit.hooks.listen``) fill it."""
    lead: Lead = LEAD_WRITES.create(
        membership=membership,
        pipeline=pipeline,
        stage=stage,
        owner=owner,
        name=name or "",
        source=source or LeadSource.MANUAL,
        **fields,
    )
    track(membership, "lead.created", {"lead": lead.pk, "source": lead.source})
    return lead


def lead_create_many(*, membership: Membership, rows: list[dict[str, Any]]) -> list[Lead]:
    """Many new leads at once (an import), each as ``lead_create`` makes it; likely
    duplicates of the organization's leads flagged. All or nothing (``RowsInvalid``)."""
    leads: list[Lead] = LEAD_WRITES.create_many(membership=membership, rows=rows)
    return leads


def lead_update(*, membership: Membership, lead: Lead, **changes: Any) -> Lead:
    """Change fields of *lead* (not its stage: ``lead_move``); rescored. No owner means the
    member changing it (a lead always has one: a User's own leads stay theirs to see)."""
    updated: Lead = LEAD_WRITES.update(membership=membership, obj=lead, **changes)
    return updated


def lead_move(
    *,
    membership: Membership,
    lead: Lead,
    stage: Stage,
    lost_reason: LostReason | None = None,
    undo: bool = False,
) -> Lead:
    """Move *lead* to *stage* of its pipeline by the kit's rules (won and lost are final
    unless a Manager reopens, or the member undoes their own move; the stage's required
    fields), noted on its timeline. Entering a lost stage needs the reason."""
    moved: Lead = LEAD_WRITES.move(
        membership=membership, obj=lead, stage=stage, lost=lost_reason, undo=undo
    )
    return moved


def lead_move_undo(*, membership: Membership, lead: Lead) -> Lead:
    """Undo the member's own last move of *lead* (back to the stage it left)."""
    moved: Lead = LEAD_WRITES.undo(membership=membership, obj=lead)
    return moved


def activity_add(
    *, membership: Membership, lead: Lead, kind: str, body: str = "", data: dict | None = None
) -> Activity:
    """A call, e-mail, meeting or note on *lead*'s timeline (the kit's); the lead is rescored."""
    entry: Activity = LEAD_TIMELINE.add(
        membership=membership, obj=lead, kind=kind, body=body, data=data
    )
    return entry


# -- merge ---------------------------------------------------------------------------------------
# The kit's merge: the fields chosen come from the merged lead, every activity moves over, the
# merged lead is set aside; the undo restores both exactly.
LEAD_MERGES = Merges(
    journal=LeadMerge,
    codename=MERGE,
    aside="merged_into",
    children=((Activity, "lead"),),
    derive=LEAD_WRITES.derived,
)
lead_merge = LEAD_MERGES.merge
lead_merge_undo = LEAD_MERGES.undo


# -- web-to-lead (a post: LEAD_FORMS' submit), reminders ------------------------------------------
lead_form_create = LEAD_FORMS.create
lead_form_update = LEAD_FORMS.update
lead_form_rotate = LEAD_FORMS.rotate


# The owners of the open leads whose follow-up is due today, told (Celery beat); how many.
leads_follow_ups_due_notify = FOLLOW_UPS_DUE.notify


# -- conversion ----------------------------------------------------------------------------------
CUSTOMER_HOOK = "customers.customer_create"


# A won lead makes a customer when the customers module is installed (its hook).
TO_CUSTOMER = Conversion(
    hook=CUSTOMER_HOOK,
    codename=CHANGE,
    ready=won_only,
    values=lambda lead: {
        "name": lead.company or lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "contact": lead.name,
    },
)


def lead_convert(*, membership: Membership, lead: Lead) -> str:
    """Make a customer of a won lead; the lead keeps the customer's reference, the customer
    the lead's (``source``). Converting twice answers the first customer."""
    return TO_CUSTOMER.run(membership=membership, obj=lead)


# A won lead can also spawn a follow-up task (the tasks module, a declared dependency).
LEAD_FOLLOW_UP = FollowUp(
    create="opsbase.modules.tasks.services.task_create",
    codename=CHANGE,
    timeline=LEAD_TIMELINE,
    ready=won_only,
    description=lambda lead: _("Follow-up of the lead “%s”.") % lead,
)


def lead_follow_up(*, membership: Membership, lead: Lead, title: str, due_date: Any = None) -> Any:
    """A follow-up task for a won lead, assigned to the lead's owner and noted on its
    timeline."""
    return LEAD_FOLLOW_UP.run(membership=membership, obj=lead, title=title, due_date=due_date)
