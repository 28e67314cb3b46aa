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
from opsbase.kit.services import record_service
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
from .models import Activity, Lead, LeadMerge, Pipeline, Stage

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


# The kit's writes as the leads' services, each taking the lead as ``lead=`` (their docstrings
# are the kit's). ``lead_update`` changes fields (not the stage) and rescores; no owner means
# the member changing it (a lead always has one: a User's own leads stay theirs to see).
# ``lead_move`` follows the kit's rules (won and lost are final unless a Manager reopens, or
# the member undoes their own move; the stage's required fields), noted on the timeline;
# entering a lost stage needs the reason. ``activity_add``: a call, e-mail, meeting or note on
# the lead's timeline; the lead is rescored. ``lead_create_many``: an import, all or nothing.
lead_create_many = LEAD_WRITES.create_many
lead_update = record_service("lead_update", LEAD_WRITES.update, "lead")
lead_move = record_service("lead_move", LEAD_WRITES.move, "lead", lost_reason="lost")
lead_move_undo = record_service("lead_move_undo", LEAD_WRITES.undo, "lead")
activity_add = record_service("activity_add", LEAD_TIMELINE.add, "lead")


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


# Make a customer of a won lead; the lead keeps the customer's reference, the customer the
# lead's (``source``). Converting twice answers the first customer.
lead_convert = record_service("lead_convert", TO_CUSTOMER.run, "lead")


# A won lead can also spawn a follow-up task (the tasks module, a declared dependency).
LEAD_FOLLOW_UP = FollowUp(
    create="opsbase.modules.tasks.services.task_create",
    codename=CHANGE,
    timeline=LEAD_TIMELINE,
    ready=won_only,
    description=lambda lead: _("Follow-up of the lead “%s”.") % lead,
)


# A follow-up task for a won lead, assigned to the lead's owner and noted on its timeline.
lead_follow_up = record_service("lead_follow_up", LEAD_FOLLOW_UP.run, "lead")
