"""The rules of leads: the default pipeline, moves, final stages, duplicates, merge and undo,
scoring."""

import pytest

from opsbase.core.exceptions import InvalidTransition, PermissionDenied, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.modules.leads.models import Activity, Lead, LeadMerge, Pipeline
from opsbase.modules.leads.selectors import lead_list, lost_reason_list, pipeline_default
from opsbase.modules.leads.services import (
    activity_add,
    lead_merge,
    lead_merge_undo,
    lead_move,
    lead_move_undo,
    lead_update,
)


def stages(tenant):
    return {s.name: s for s in pipeline_default(tenant_id=tenant.pk).stages.all()}


def test_a_new_organization_gets_the_sales_pipeline(world):
    pipeline = Pipeline.objects.for_tenant(world.home).get()

    assert pipeline.name == "Sales"
    assert [s.name for s in pipeline.stages.all()] == [
        "New",
        "Contacted",
        "Qualified",
        "Proposal",
        "Won",
        "Lost",
    ]
    assert [s.kind for s in pipeline.stages.all()][-2:] == ["won", "lost"]


def test_a_new_lead_starts_in_the_first_stage_owned_by_its_creator(user, make_lead):
    lead = make_lead(user)

    assert lead.stage.name == "New"
    assert lead.owner == user


def test_entering_a_lost_stage_needs_a_reason_and_nothing_changes_without(manager, make_lead):
    lead = make_lead(manager)
    lost = stages(manager.tenant)["Lost"]

    with pytest.raises(ValidationError) as refused:
        lead_move(membership=manager, lead=lead, stage=lost)

    assert "lost_reason" in refused.value.extra["fields"]
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).stage.name == "New"
    reason = lost_reason_list(tenant_id=manager.tenant_id).first()
    lead_move(membership=manager, lead=lead, stage=lost, lost_reason=reason)
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).lost_reason == reason


def test_a_proposal_needs_a_value(manager, make_lead):
    lead = make_lead(manager)

    with pytest.raises(ValidationError) as refused:
        lead_move(membership=manager, lead=lead, stage=stages(manager.tenant)["Proposal"])

    assert "value" in refused.value.extra["fields"]


def test_won_is_final_unless_a_manager_reopens(user, manager, make_lead):
    lead = make_lead(user, value=1000)
    s = stages(user.tenant)
    lead_move(membership=user, lead=lead, stage=s["Won"])

    with pytest.raises(PermissionDenied):
        lead_move(membership=user, lead=lead, stage=s["Qualified"])
    with pytest.raises(InvalidTransition):
        lead_move(membership=manager, lead=lead, stage=s["Lost"])
    lead_move(membership=manager, lead=lead, stage=s["Qualified"])

    assert Lead.objects.for_tenant(user.tenant).get(pk=lead.pk).closed_at is None


def test_a_member_undoes_their_own_last_move_even_out_of_won(user, make_lead):
    lead = make_lead(user, value=500)
    s = stages(user.tenant)
    lead_move(membership=user, lead=lead, stage=s["Won"])

    lead_move_undo(membership=user, lead=lead)

    assert Lead.objects.for_tenant(user.tenant).get(pk=lead.pk).stage == s["New"]
    with pytest.raises(InvalidTransition):
        lead_move_undo(membership=user, lead=lead)


def test_a_user_cannot_change_another_members_lead(user, manager, make_lead):
    lead = make_lead(manager)

    with pytest.raises(PermissionDenied):
        lead_update(membership=user, lead=lead, company="Hooli")
    assert lead not in lead_list(membership=user)


def test_every_move_is_audited_and_on_the_timeline(manager, make_lead):
    lead = make_lead(manager)
    lead_move(membership=manager, lead=lead, stage=stages(manager.tenant)["Contacted"])

    assert Activity.objects.for_tenant(manager.tenant).get(lead=lead).body == "New → Contacted"
    events = AuditEvent.objects.for_tenant(manager.tenant).filter(target_id=str(lead.pk))
    assert any("stage" in (e.changes or {}) for e in events)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"email": "Ada@Initech.test"}, {"email": "ada@initech.TEST"}),
        ({"phone": "+1 (415) 555-0101"}, {"phone": "+14155550101"}),
        ({"company": "Initech"}, {"company": "initech", "name": "Ada Parks"}),
    ],
    ids=["email", "phone", "name and company"],
)
def test_a_likely_duplicate_is_flagged(manager, make_lead, first, second):
    original = make_lead(manager, **first)
    fields = {"name": "Ada Park", **second}

    duplicate = make_lead(manager, **fields)

    assert duplicate.duplicate_of == original


def test_different_people_are_not_duplicates(manager, make_lead):
    make_lead(manager, name="Ada Park", company="Initech", email="ada@initech.test")

    other = make_lead(manager, name="Bob Stone", company="Initech", email="bob@initech.test")

    assert other.duplicate_of is None


def _state(lead):
    fresh = Lead.objects.for_tenant(lead.tenant_id).get(pk=lead.pk)
    values = {f.attname: getattr(fresh, f.attname) for f in Lead._meta.concrete_fields}
    values.pop("updated_at")
    activities = sorted(
        Activity.objects.for_tenant(lead.tenant_id).filter(lead=lead).values_list("pk", "body")
    )
    return values, activities


def test_a_merge_keeps_every_activity_and_its_undo_restores_both_exactly(manager, make_lead):
    keep = make_lead(manager, name="Ada Park", email="ada@initech.test")
    merge = make_lead(manager, name="Ada P.", phone="+14155550101", company="Initech")
    activity_add(membership=manager, lead=keep, kind="call", body="Called Ada")
    activity_add(membership=manager, lead=merge, kind="note", body="Met at the fair")
    before = (_state(keep), _state(merge))

    lead_merge(
        membership=manager, keep=keep, merge=merge, fields={"phone": "merge", "company": "merge"}
    )

    merged_keep = Lead.objects.for_tenant(manager.tenant).get(pk=keep.pk)
    assert (merged_keep.phone, merged_keep.company) == ("+14155550101", "Initech")
    assert Activity.objects.for_tenant(manager.tenant).filter(lead=keep).count() == 2
    assert merge.pk not in set(lead_list(membership=manager).values_list("pk", flat=True))

    # The journal as stored (its JSON read back), as a later request undoes it.
    lead_merge_undo(membership=manager, merge=LeadMerge.objects.for_tenant(manager.tenant).get())

    assert (_state(keep), _state(merge)) == before


def test_scores_explain_each_rule_and_follow_the_tenants_rules(manager, make_lead):
    from opsbase.modules.leads.models import ScoringRule

    lead = make_lead(manager, source="referral", email="ada@initech.test")
    assert lead.score == 25
    assert ["Source: Referral", 20] in lead.score_reasons

    ScoringRule(tenant=manager.tenant, rule="source:referral", points=40).save()
    lead_update(membership=manager, lead=lead, company="Initech")

    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).score == 50


def test_the_nightly_rescore_decays_leads_without_activity(manager, make_lead, settings):
    from datetime import timedelta

    from django.utils import timezone

    from opsbase.modules.leads.tasks import leads_rescore

    lead = make_lead(manager, source="referral")
    Lead.objects.for_tenant(manager.tenant).filter(pk=lead.pk).update(
        created_at=timezone.now() - timedelta(weeks=5)
    )

    assert leads_rescore.delay().get() == 1
    fresh = Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk)
    assert fresh.score == lead.score - 8
    assert ["No activity for 5 weeks", -8] in fresh.score_reasons
    assert settings.CELERY_BEAT_SCHEDULE["opsbase-leads-rescore"]["task"] == "opsbase.leads.rescore"


def test_an_edit_without_an_owner_keeps_the_lead_with_the_member_editing_it(user, make_lead):
    lead = make_lead(user)

    lead_update(membership=user, lead=lead, owner=None, company="Hooli")

    assert Lead.objects.for_tenant(user.tenant).get(pk=lead.pk).owner == user
    assert lead in lead_list(membership=user)
