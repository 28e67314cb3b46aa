"""The pipeline and stage editors (the kit's pages over ``PIPELINES``): every page answers as
the policy decides; a Manager adds a pipeline, adds, renames and reorders stages, sets a
stage's kind and required fields, and the board and moves follow."""

import pytest

from opsbase.core.exceptions import ValidationError
from opsbase.modules.leads.models import Lead, Pipeline, Stage
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_move
from opsbase.modules.leads.views import PipelinePages, StagePages
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import module_cases, session_client

PIPELINE_CASES = module_cases(pages=PipelinePages, form_data={"name": "Enterprise deals"})
STAGE_CASES = module_cases(
    pages=StagePages, form_data={"name": "Negotiation", "kind": "open", "position": "2"}
)


def names(pipeline):
    return list(pipeline.stages.order_by("position").values_list("name", flat=True))


def test_the_generator_walks_every_editor_page():
    assert {str(c) for c in PIPELINE_CASES} == {
        "page pipeline_list",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
    }
    assert "page stage_list" in {str(c) for c in STAGE_CASES}


@pytest.mark.parametrize("case", PIPELINE_CASES, ids=str)
def test_every_pipeline_page_answers_as_the_policy_decides(world, case):
    case.check(world, make=lambda owner: Pipeline.objects.create(tenant=owner.tenant, name="Extra"))


@pytest.mark.parametrize("case", STAGE_CASES, ids=str)
def test_every_stage_page_answers_as_the_policy_decides(world, case):
    def make(owner):
        pipeline = pipeline_default(tenant_id=owner.tenant_id)
        return Stage.objects.create(
            tenant=owner.tenant, pipeline=pipeline, name="Extra", position=6, kind="open"
        )

    case.check(world, make=make)


def test_a_new_pipeline_starts_with_an_open_a_won_and_a_lost_stage(manager):
    client = session_client(manager)

    answer = client.post("/leads/pipelines/new/", {"name": "Partners"})

    assert answer.status_code == 302
    pipeline = Pipeline.objects.for_tenant(manager.tenant).get(name="Partners")
    assert [(s.name, s.kind) for s in pipeline.stages.order_by("position")] == [
        ("New", "open"),
        ("Won", "won"),
        ("Lost", "lost"),
    ]
    assert html_problems(client.get("/leads/pipelines/").content) == []


def test_a_stage_added_at_a_position_pushes_the_others_along(manager):
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    client = session_client(manager)
    page = client.get("/leads/stages/new/")
    assert html_problems(page.content) == []

    answer = client.post(
        "/leads/stages/new/",
        {"pipeline": pipeline.pk, "name": "Demo", "kind": "open", "position": "2"},
    )

    assert answer.status_code == 302
    assert names(pipeline) == ["New", "Contacted", "Demo", "Qualified", "Proposal", "Won", "Lost"]
    positions = list(pipeline.stages.order_by("position").values_list("position", flat=True))
    assert positions == list(range(7))


def test_renaming_and_reordering_a_stage_keeps_its_pipeline(manager):
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    proposal = pipeline.stages.get(name="Proposal")

    answer = session_client(manager).post(
        f"/leads/stages/{proposal.pk}/edit/",
        {"name": "Offer", "kind": "open", "position": "0", "pipeline": "999999"},
    )

    assert answer.status_code == 302
    assert names(pipeline) == ["Offer", "New", "Contacted", "Qualified", "Won", "Lost"]
    assert Stage.objects.for_tenant(manager.tenant).get(pk=proposal.pk).pipeline == pipeline


def test_a_required_field_set_in_the_editor_is_enforced_on_the_next_move(manager, make_lead):
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    contacted = pipeline.stages.get(name="Contacted")
    session_client(manager).post(
        f"/leads/stages/{contacted.pk}/edit/",
        {"name": "Contacted", "kind": "open", "required_fields": ["phone"]},
    )
    lead = make_lead(manager)
    contacted.refresh_from_db()

    assert contacted.required_fields == ["phone"]
    with pytest.raises(ValidationError) as refused:
        lead_move(membership=manager, lead=lead, stage=contacted)

    assert "phone" in refused.value.extra["fields"]
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).stage.name == "New"


def test_a_stage_with_leads_is_not_deleted(manager, make_lead):
    first = pipeline_default(tenant_id=manager.tenant_id).stages.get(name="New")
    make_lead(manager)

    session_client(manager).post(f"/leads/stages/{first.pk}/delete/")

    assert Stage.objects.for_tenant(manager.tenant).filter(pk=first.pk).exists()


def test_a_user_sees_pipelines_but_cannot_change_them(user):
    client = session_client(user)
    pipeline = pipeline_default(tenant_id=user.tenant_id)

    assert client.get("/leads/pipelines/").status_code == 200
    assert client.post(f"/leads/pipelines/{pipeline.pk}/edit/", {"name": "Mine"}).status_code == 403
    assert client.get("/leads/stages/new/").status_code == 403


def test_another_organizations_pipeline_and_stage_are_404(world, manager):
    acme = pipeline_default(tenant_id=manager.tenant_id)
    globex = session_client(world.away_members["manager"])

    assert globex.get(f"/leads/pipelines/{acme.pk}/").status_code == 404
    assert globex.get(f"/leads/stages/{acme.stages.first().pk}/edit/").status_code == 404
