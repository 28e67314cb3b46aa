"""The leads API beyond the kit's actions: filters, moves, activities, merge, pipelines and
forms, and another organization's token seeing none of them."""

import pytest

from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.selectors import lost_reason_list, pipeline_default
from opsbase.modules.leads.services import lead_form_create
from opsbase.testing.api import token_client


def stage(member, name):
    return pipeline_default(tenant_id=member.tenant_id).stages.get(name=name)


def test_the_list_filters_by_stage_owner_source_and_search(manager, user, make_lead):
    make_lead(manager, name="Ada Park", source="referral")
    mine = make_lead(user, name="Ben Ortiz", source="import", company="Hooli")
    client = token_client(manager)

    by_owner = client.get("/api/v1/leads/", {"owner": user.pk}).json()["results"]
    by_source = client.get("/api/v1/leads/", {"source": "import"}).json()["results"]
    by_q = client.get("/api/v1/leads/", {"q": "hooli"}).json()["results"]
    by_stage = client.get("/api/v1/leads/", {"stage": stage(manager, "New").pk}).json()

    assert [r["id"] for r in by_owner] == [mine.pk]
    assert [r["id"] for r in by_source] == [mine.pk]
    assert [r["id"] for r in by_q] == [mine.pk]
    assert by_stage["count"] == 2
    ordered = client.get("/api/v1/leads/", {"ordering": "name"}).json()["results"]
    assert [r["name"] for r in ordered] == ["Ada Park", "Ben Ortiz"]


def test_a_move_to_lost_without_a_reason_is_a_400_naming_it(manager, make_lead):
    lead = make_lead(manager)
    client = token_client(manager)
    lost = stage(manager, "Lost")

    refused = client.post(f"/api/v1/leads/{lead.pk}/move/", {"stage": lost.pk}, format="json")
    reason = lost_reason_list(tenant_id=manager.tenant_id).first()
    moved = client.post(
        f"/api/v1/leads/{lead.pk}/move/",
        {"stage": lost.pk, "lost_reason": reason.pk},
        format="json",
    )

    assert refused.status_code == 400
    assert "lost_reason" in refused.json()["error"]["fields"]
    assert moved.status_code == 200
    assert moved.json()["stage_name"] == "Lost"


def test_activities_are_added_and_listed(manager, make_lead):
    lead = make_lead(manager)
    client = token_client(manager)

    added = client.post(
        f"/api/v1/leads/{lead.pk}/activities/", {"kind": "call", "body": "Hi"}, format="json"
    )
    listed = client.get(f"/api/v1/leads/{lead.pk}/activities/").json()

    assert added.status_code == 201
    assert [a["body"] for a in listed] == ["Hi"]


def test_merge_and_undo_through_the_api(manager, make_lead):
    keep = make_lead(manager, name="Ada Park", email="ada@initech.test")
    merge = make_lead(manager, name="Ada", company="Initech")
    client = token_client(manager)

    done = client.post(
        "/api/v1/leads/merge/",
        {"keep": keep.pk, "merge": merge.pk, "fields": {"company": "merge"}},
        format="json",
    )
    undone = client.post(f"/api/v1/leads/merge/{done.json()['merge']}/undo/")

    assert done.status_code == 200
    assert done.json()["lead"]["company"] == "Initech"
    assert undone.status_code == 200
    assert Lead.objects.for_tenant(manager.tenant).get(pk=keep.pk).company == ""
    assert Lead.objects.for_tenant(manager.tenant).get(pk=merge.pk).merged_into is None


def test_another_organizations_token_gets_404_on_every_lead_pipeline_and_form(
    world, manager, make_lead
):
    lead = make_lead(manager)
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    form = lead_form_create(membership=manager, name="Contact", pipeline=pipeline)
    globex = token_client(world.away_members["admin"])

    answers = [
        globex.get(f"/api/v1/leads/{lead.pk}/").status_code,
        globex.patch(f"/api/v1/leads/{lead.pk}/", {"name": "x"}, format="json").status_code,
        globex.post(f"/api/v1/leads/{lead.pk}/move/", {}, format="json").status_code,
        globex.get(f"/api/v1/leads/{lead.pk}/activities/").status_code,
        globex.delete(f"/api/v1/leads/{lead.pk}/").status_code,
        globex.get(f"/api/v1/pipelines/{pipeline.pk}/").status_code,
        globex.get(f"/api/v1/lead-forms/{form.pk}/").status_code,
        globex.post(f"/api/v1/lead-forms/{form.pk}/rotate/").status_code,
    ]

    assert answers == [404] * len(answers)
    assert lead.pk not in [r["id"] for r in globex.get("/api/v1/leads/").json()["results"]]


@pytest.mark.parametrize(("kind", "status"), [("admin", 200), ("manager", 200), ("user", 403)])
def test_only_admins_and_managers_see_lead_forms(world, kind, status):
    manager = world.members["manager"]
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    form = lead_form_create(membership=manager, name="Contact", pipeline=pipeline)

    answer = token_client(world.members[kind]).get("/api/v1/lead-forms/")

    assert answer.status_code == status
    if status == 200:  # every row of the list carries its public address
        (row,) = answer.json()["results"]
        assert row["url"] == f"/w/{form.public_key}/"


def test_pipelines_list_their_stages_in_order(user):
    pipelines = token_client(user).get("/api/v1/pipelines/").json()["results"]

    assert [s["name"] for s in pipelines[0]["stages"]][:2] == ["New", "Contacted"]


def test_a_manager_sets_scoring_points_and_open_leads_are_rescored(manager, user, make_lead):
    lead = make_lead(user, source="referral")
    before = Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).score

    changed = token_client(manager).patch(
        "/api/v1/lead-scoring/", {"rules": {"source:referral": 50}}, format="json"
    )
    refused = token_client(user).patch(
        "/api/v1/lead-scoring/", {"rules": {"source:referral": 1}}, format="json"
    )
    unknown = token_client(manager).patch(
        "/api/v1/lead-scoring/", {"rules": {"nonsense": 1}}, format="json"
    )

    assert changed.status_code == 200
    assert changed.json()["rules"]["source:referral"] == 50
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).score == before + 30
    assert refused.status_code == 403
    assert unknown.status_code == 400
    assert token_client(user).get("/api/v1/lead-scoring/").status_code == 200


def test_bulk_assign_gives_every_lead_to_one_owner_or_none_when_one_is_not_allowed(
    manager, user, world, make_lead
):
    mine = [make_lead(user, name=f"Lead {n}") for n in range(3)]
    theirs = make_lead(manager, name="Not yours")
    spare = world.spare

    done = token_client(manager).post(
        "/api/v1/leads/assign/", {"leads": [m.pk for m in mine], "owner": spare.pk}, format="json"
    )
    refused = token_client(user).post(
        "/api/v1/leads/assign/", {"leads": [theirs.pk], "owner": user.pk}, format="json"
    )

    assert done.status_code == 200
    assert done.json()["changed"] == 3
    owners = set(
        Lead.objects.for_tenant(manager.tenant)
        .filter(pk__in=[m.pk for m in mine])
        .values_list("owner", flat=True)
    )
    assert owners == {spare.pk}
    assert refused.status_code in (403, 404)
    assert Lead.objects.for_tenant(manager.tenant).get(pk=theirs.pk).owner == manager
