"""The demo's leads: about forty per organization, spread over every stage of its pipeline."""

from __future__ import annotations

from typing import Any

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.demo import demo_deal, demo_members, demo_pipeline_seed

from .constants import LeadSource
from .models import Lead
from .selectors import lost_reason_list, pipeline_default
from .services import activity_add, lead_create, lead_form_create, lead_move


def demo_leads_seed(*, tenant) -> None:
    """40 leads in *tenant*'s default pipeline, owned by its Manager and User, over every
    stage. Only for an organization without leads: re-running the demo adds nothing."""
    if Lead.objects.for_tenant(tenant).exists():
        return
    members = demo_members(tenant)
    manager, user = members[RoleKind.MANAGER], members.get(RoleKind.USER)
    pipeline = pipeline_default(tenant_id=tenant.pk)
    lead_form_create(
        membership=manager,
        name="Contact us",
        pipeline=pipeline,
        assignees=[m for m in (manager, user) if m is not None],
    )
    sources = list(LeadSource)

    def make(n: int, owner: Any) -> Lead:
        lead = lead_create(membership=owner, source=sources[n % len(sources)], **demo_deal(n))
        if n % 4 == 0:
            activity_add(membership=owner, lead=lead, kind="call", body="First call, interested.")
        return lead

    demo_pipeline_seed(
        members=members,
        pipeline=pipeline,
        make=make,
        move=lambda m, lead, stage, lost: lead_move(
            membership=m, lead=lead, stage=stage, lost_reason=lost
        ),
        lost=lost_reason_list(tenant_id=tenant.pk).first(),
    )
