"""The kit's small parts of a pipeline module: services bound from an engine's writes, the
deal filters, the model bases' Meta defaults and indexes, the merge page of a declaration,
the demo's sample deal."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.deal_constants import CONTACT_FIELDS, DEAL_FIELDS
from opsbase.kit.deals import DealForm
from opsbase.kit.demo import demo_company, demo_deal, demo_person
from opsbase.kit.services import record_service
from opsbase.modules.leads.filters import LeadFilter
from opsbase.modules.leads.models import Lead, LeadForm, LostReason, Pipeline, ScoringRule, Stage
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import LEAD_MERGES, lead_create


def test_a_bound_service_takes_the_record_by_name_and_renames_keywords():
    calls = []

    def write(*, membership, obj, lost=None):
        """The engine's write."""
        calls.append((membership, obj, lost))
        return obj

    move = record_service("thing_move", write, "thing", lost_reason="lost")

    assert move(membership="m", thing="t", lost_reason="r") == "t"
    assert calls == [("m", "t", "r")]
    assert (move.__name__, move.__doc__) == ("thing_move", "The engine's write.")
    with pytest.raises(TypeError, match=r"thing_move\(\) missing .*'thing'"):
        move(membership="m", obj="t")


def test_the_deal_fields_are_the_deal_forms_fields():
    assert set(CONTACT_FIELDS) | set(DEAL_FIELDS) == set(DealForm.base_fields)


def test_the_deal_filters_come_first_in_the_modules_order_and_stages_are_the_members(world):
    manager = world.members[RoleKind.MANAGER]
    away = world.away_members[RoleKind.MANAGER]
    pipeline_default(tenant_id=away.tenant_id)
    request = RequestFactory().get("/")
    request.membership = manager

    stages = LeadFilter(request=request).filters["stage"].get_queryset(request)

    assert list(LeadFilter.base_filters) == list(LeadFilter.Meta.fields)
    assert set(stages) == set(pipeline_default(tenant_id=manager.tenant_id).stages.all())
    assert not LeadFilter(request=SimpleNamespace()).filters["stage"].get_queryset(None).exists()


def test_the_model_bases_give_their_order_indexes_and_constraints_named_after_the_model():
    indexes = {model: [i.name for i in model._meta.indexes] for model in (Pipeline, Stage)}

    assert indexes == {Pipeline: ["pipeline_tenant_name"], Stage: ["stage_order"]}
    assert [i.name for i in LostReason._meta.indexes] == ["lostreason_tenant_name"]
    assert [i.name for i in LeadForm._meta.indexes] == ["leadform_tenant_name"]
    assert [c.name for c in ScoringRule._meta.constraints] == ["scoringrule_unique"]
    assert Pipeline._meta.ordering == ["-is_default", "name", "pk"]
    assert {i.name for i in Lead._meta.indexes} >= {
        "lead_tenant_stage", "lead_tenant_owner", "lead_tenant_follow_up",
        "lead_tenant_email", "lead_tenant_phone",
    }  # fmt: skip


def test_the_merge_page_of_a_declaration_offers_its_services_and_the_duplicate_link():
    page = LEAD_MERGES.page(("name", "company"))

    assert (page.merge, page.undo, page.journal) == (
        LEAD_MERGES.merge,
        LEAD_MERGES.undo,
        LEAD_MERGES.journal,
    )
    assert (page.codename, page.fields, page.duplicate_field) == (
        LEAD_MERGES.codename,
        ("name", "company"),
        "duplicate_of",
    )


def test_the_demo_deal_is_a_sample_person_at_a_sample_company_that_a_deal_accepts(manager):
    deal = demo_deal(9)

    lead = lead_create(membership=manager, **deal)

    assert (deal["name"], deal["company"]) == (demo_person(9), demo_company(9))
    assert (lead.email, lead.phone_e164) == ("contact9@umbrella.test", "+14155551009")
