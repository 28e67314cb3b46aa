"""The kit's pipelines without a module's rules: the move rules (same pipeline, final stages,
reopen, required fields), the board's counts and sums, the editor's reordering, the
timeline's entries, bulk assign and due reminders."""

import pytest

from opsbase.core.exceptions import InvalidTransition, PermissionDenied, ValidationError
from opsbase.kit.api_actions import records_assign
from opsbase.kit.pipelines import Pipelines, stage_save
from opsbase.kit.reminders import due_notify
from opsbase.modules.leads.constants import CHANGE, REOPEN
from opsbase.modules.leads.declarations import LEAD_TIMELINE
from opsbase.modules.leads.entity import LEADS
from opsbase.modules.leads.models import Lead, Pipeline, Stage
from opsbase.modules.leads.selectors import LEAD_ROWS, lead_list, pipeline_default
from opsbase.modules.leads.services import lead_create

# No timeline: moves are the kit's alone.
BARE = Pipelines(
    pipeline_model=Pipeline,
    stage_model=Stage,
    codename="leads.manage_pipelines",
    view_codename="leads.view_pipeline",
    record_model=Lead,
)


def stages(member):
    return {s.name: s for s in pipeline_default(tenant_id=member.tenant_id).stages.all()}


def move(member, lead, stage, **more):
    return BARE.stage_move(
        membership=member, obj=lead, stage=stage, codename=CHANGE, reopen=REOPEN, **more
    )


def test_a_move_answers_the_stage_left_and_none_when_already_there(manager):
    lead = lead_create(membership=manager, name="Ada")
    s = stages(manager)

    assert move(manager, lead, s["Contacted"]) == s["New"]
    assert move(manager, lead, s["Contacted"]) is None
    assert Lead.objects.for_tenant(manager.tenant_id).get(pk=lead.pk).stage == s["Contacted"]


def test_a_stage_of_another_pipeline_is_a_field_error(manager):
    lead = lead_create(membership=manager, name="Ada")
    other = Pipeline.objects.create(tenant=manager.tenant, name="Other")
    stray = Stage.objects.create(
        tenant=manager.tenant, pipeline=other, name="Elsewhere", position=0, kind="open"
    )

    with pytest.raises(ValidationError) as refused:
        move(manager, lead, stray)

    assert "stage" in refused.value.extra["fields"]


def test_final_stages_need_a_reopen_right_to_leave_and_never_go_final_to_final(manager, user):
    lead = lead_create(membership=user, name="Ada", value=10)
    s = stages(user)
    move(user, lead, s["Won"], changes={"lost_reason": None})

    with pytest.raises(InvalidTransition):
        move(manager, lead, s["Lost"])
    with pytest.raises(PermissionDenied):
        move(user, lead, s["New"])
    assert move(user, lead, s["New"], undo=True) == s["Won"]
    move(user, lead, s["Won"])
    assert move(manager, lead, s["Contacted"]) == s["Won"]
    assert Lead.objects.for_tenant(user.tenant_id).get(pk=lead.pk).closed_at is None


def test_a_required_field_of_the_stage_entered_is_a_field_error(manager):
    lead = lead_create(membership=manager, name="Ada")

    with pytest.raises(ValidationError) as refused:
        move(manager, lead, stages(manager)["Proposal"])

    assert refused.value.extra["fields"]["value"] == ["Required to enter the stage “Proposal”."]


def test_the_board_counts_and_sums_each_stage(manager):
    for value in (100, 250):
        lead_create(membership=manager, name="Ada", value=value)
    pipeline = pipeline_default(tenant_id=manager.tenant_id)

    columns = BARE.board(records=lead_list(membership=manager), pipeline=pipeline, rows=LEAD_ROWS)

    first = columns[0]
    assert (first["stage"].name, first["count"], first["total"]) == ("New", 2, 350)
    assert [c["count"] for c in columns[1:]] == [0] * 5
    assert len(first["cards"]) == 2


def test_a_stage_saved_at_a_position_keeps_positions_dense(manager):
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    lost = pipeline.stages.get(name="Lost")

    stage_save(BARE, manager, lost, {"position": 0})
    added = stage_save(BARE, manager, None, {"pipeline": pipeline, "name": "Late", "kind": "open"})

    ordered = list(pipeline.stages.order_by("position").values_list("name", "position"))
    assert ordered[0] == ("Lost", 0)
    assert ordered[-1] == ("Late", 6)
    assert added.position == 6


def test_the_timeline_offers_members_only_their_kinds_and_dates_the_record(manager):
    lead = lead_create(membership=manager, name="Ada")

    entry = LEAD_TIMELINE.add(membership=manager, obj=lead, kind="call", body="Hello")

    assert "stage" not in dict(LEAD_TIMELINE.kinds)
    assert "stage" not in dict(LEAD_TIMELINE.form().fields["kind"].choices)
    assert list(LEAD_TIMELINE.entries(lead)) == [entry]
    saved = Lead.objects.for_tenant(manager.tenant_id).get(pk=lead.pk)
    assert saved.last_activity_at == entry.created_at


def test_bulk_assign_is_all_or_nothing(manager, user, world):
    mine = [lead_create(membership=manager, name=f"L{n}") for n in range(2)]

    assert (
        records_assign(entity=LEADS, membership=manager, objs=mine, field="owner", member=user) == 2
    )
    theirs = lead_create(membership=world.spare, name="Spare's")
    with pytest.raises(PermissionDenied):
        records_assign(
            entity=LEADS, membership=user, objs=[*mine, theirs], field="owner", member=manager
        )
    owners = set(
        Lead.objects.for_tenant(user.tenant_id)
        .filter(pk__in=[m.pk for m in mine])
        .values_list("owner", flat=True)
    )
    assert owners == {user.pk}


def test_due_reminders_reach_each_active_owner(manager, user):
    for owner in (manager, user):
        lead_create(membership=owner, name=f"Lead of {owner.pk}")

    told = due_notify(
        records=Lead.objects.unscoped().filter(tenant_id=manager.tenant_id),
        owner="owner",
        event="leads.follow_up_due",
        title=lambda lead: f"Due: {lead}",
    )

    assert told == 2


def test_the_board_move_never_sends_the_member_to_another_site(manager):
    from opsbase.testing.matrix import session_client

    lead = lead_create(membership=manager, name="Ada")
    contacted = stages(manager)["Contacted"]

    answer = session_client(manager).post(
        f"/leads/{lead.pk}/move/", {"stage": contacted.pk, "next": "https://evil.test/"}
    )

    assert answer.status_code == 302
    assert answer["Location"] == f"/leads/{lead.pk}/"
