"""Lost reasons kept by a Manager on the kit's pages: every page answers as the policy says,
and a reason still used by a lead is not deleted."""

import pytest

from opsbase.modules.leads.models import Lead, LostReason
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_move
from opsbase.modules.leads.views import LostReasonPages
from opsbase.testing.matrix import module_cases, session_client

CASES = module_cases(pages=LostReasonPages, form_data={"name": "Went with a competitor"})


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_answers_as_the_policy_decides(world, case):
    case.check(
        world,
        make=lambda owner: LostReason.objects.create(tenant=owner.tenant, name="Too expensive"),
    )


def test_a_manager_adds_a_reason_that_a_lost_move_then_offers(manager, make_lead):
    client = session_client(manager)

    added = client.post("/leads/lost-reasons/new/", {"name": "  No budget this year "})

    assert added.status_code == 302
    reason = LostReason.objects.for_tenant(manager.tenant).get(name="No budget this year")
    lead = make_lead(manager)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "No budget this year" in page
    lost = pipeline_default(tenant_id=manager.tenant_id).stages.get(name="Lost")
    moved = lead_move(membership=manager, lead=lead, stage=lost, lost_reason=reason)
    assert moved.lost_reason == reason


def test_a_reason_in_use_is_not_deleted(manager, make_lead):
    reason = LostReason.objects.create(tenant=manager.tenant, name="Timing")
    lead = make_lead(manager)
    lost = pipeline_default(tenant_id=manager.tenant_id).stages.get(name="Lost")
    lead_move(membership=manager, lead=lead, stage=lost, lost_reason=reason)

    answer = session_client(manager).post(f"/leads/lost-reasons/{reason.pk}/delete/")

    assert answer.status_code == 409
    assert LostReason.objects.for_tenant(manager.tenant).filter(pk=reason.pk).exists()
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).lost_reason == reason
