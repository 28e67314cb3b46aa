"""The kit's pipeline pieces a module declares instead of writing: placing a new record,
the move with its lost field and analytics, ``won_only``, the period figures and charts of
the dashboard, the public form's record and the due reminders."""

from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail

from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.pipeline_cards import pipeline_charts, pipeline_kpi_groups, pipeline_kpis
from opsbase.kit.pipelines import won_only
from opsbase.kit.public_forms import PublicRecord
from opsbase.kit.reminders import DueReminders
from opsbase.modules.leads.constants import CHANGE, REOPEN
from opsbase.modules.leads.declarations import PIPELINES
from opsbase.modules.leads.entity import LEADS
from opsbase.modules.leads.models import Lead, LeadForm, LostReason, Pipeline, Stage
from opsbase.modules.leads.services import lead_create
from opsbase.services.analytics.models import Event
from opsbase.web.dashboard import period_last


def stages(member):
    return {s.name: s for s in PIPELINES.default(tenant_id=member.tenant_id).stages.all()}


def move(member, lead, stage, spec=PIPELINES, **more):
    return spec.move(
        membership=member, obj=lead, stage=stage, codename=CHANGE, reopen=REOPEN, **more
    )


def fresh(lead):
    return Lead.objects.for_tenant(lead.tenant_id).get(pk=lead.pk)


# -- place -----------------------------------------------------------------------------------
def test_a_new_record_goes_to_the_first_stage_of_the_default_pipeline(manager):
    lead = Lead(name="Ada")

    PIPELINES.place(lead, tenant_id=manager.tenant_id)

    assert (lead.stage.name, lead.stage.position, lead.closed_at) == ("New", 0, None)
    assert lead.pipeline.is_default


def test_a_record_placed_in_a_final_stage_is_closed_and_takes_its_pipeline(manager):
    won = stages(manager)["Won"]
    lead = Lead(name="Ada")

    PIPELINES.place(lead, tenant_id=manager.tenant_id, stage=won)

    assert lead.pipeline == won.pipeline and lead.closed_at is not None


def test_the_declared_setup_makes_the_default_pipeline_of_a_tenant_without_one(manager):
    Lead.objects.for_tenant(manager.tenant_id).delete()
    Stage.objects.for_tenant(manager.tenant_id).delete()
    Pipeline.objects.for_tenant(manager.tenant_id).delete()

    LostReason.objects.for_tenant(manager.tenant_id).delete()
    assert replace(PIPELINES, default_stages=()).default(tenant_id=manager.tenant_id) is None

    made = PIPELINES.default(tenant_id=manager.tenant_id)

    assert made.is_default and made.stages.count() == 6
    assert PIPELINES.default(tenant_id=manager.tenant_id) == made
    reasons = LostReason.objects.for_tenant(manager.tenant_id).values_list("name", flat=True)
    assert "Price" in set(reasons)


# -- move ------------------------------------------------------------------------------------
def test_entering_a_lost_stage_needs_the_lost_field_and_leaving_it_clears_it(manager):
    lead = lead_create(membership=manager, name="Ada")
    s = stages(manager)
    reason = LostReason.objects.for_tenant(manager.tenant_id).first()

    with pytest.raises(ValidationError) as refused:
        move(manager, lead, s["Lost"])
    assert "lost_reason" in refused.value.extra["fields"]

    move(manager, lead, s["Lost"], lost=reason)
    assert fresh(lead).lost_reason == reason
    move(manager, lead, s["Contacted"])
    assert fresh(lead).lost_reason is None


def test_a_lost_field_of_another_tenant_is_a_field_error(manager, world):
    from opsbase.kernel.roles.constants import RoleKind

    lead = lead_create(membership=manager, name="Ada")
    globex = world.away_members[RoleKind.MANAGER].tenant_id
    stray = LostReason.objects.for_tenant(globex).first()

    with pytest.raises(ValidationError) as refused:
        move(
            manager,
            lead,
            stages(manager)["Lost"],
            lost=stray,
            check=PIPELINES.check(manager.tenant_id),  # the lost field among its related
        )

    assert "lost_reason" in refused.value.extra["fields"]


def test_a_move_sends_the_declared_analytics_event_and_none_when_undeclared(manager):
    lead = lead_create(membership=manager, name="Ada", value=Decimal("100"))
    s = stages(manager)

    move(manager, lead, s["Contacted"])
    move(manager, lead, s["Won"])
    move(manager, lead, s["Qualified"], spec=replace(PIPELINES, analytics=""), undo=True)

    names = list(
        Event.objects.for_tenant(manager.tenant_id).order_by("pk").values_list("name", flat=True)
    )
    assert names[-2:] == ["lead.moved", "lead.won"]
    assert (
        Event.objects.for_tenant(manager.tenant_id).order_by("pk").last().properties["lead"]
        == lead.pk
    )


def test_won_only_refuses_a_record_not_won(manager):
    lead = lead_create(membership=manager, name="Ada", value=Decimal("100"))

    with pytest.raises(InvalidTransition):
        won_only(lead)
    move(manager, lead, stages(manager)["Won"])
    won_only(fresh(lead))


# -- the dashboard's period figures ----------------------------------------------------------
def test_the_kpis_count_new_records_and_the_share_of_closed_ones_won(manager):
    s = stages(manager)
    leads = [lead_create(membership=manager, name=f"L{n}", value=Decimal(10)) for n in range(4)]
    move(manager, leads[0], s["Won"])
    move(manager, leads[1], s["Won"])
    move(manager, leads[2], s["Lost"], lost=LostReason.objects.for_tenant(manager.tenant).first())

    figures = pipeline_kpis(records=LEADS.records(manager), period=period_last(7))

    assert (figures["new"].current, figures["new"].previous) == (4, 0)
    assert (figures["conversion"].current, figures["conversion"].previous) == (66.7, None)


def test_the_kpi_group_and_the_funnel_chart_come_from_the_declarations(manager):
    lead_create(membership=manager, name="Ada")
    lead_create(membership=manager, name="Bo", stage=stages(manager)["Contacted"])

    (group,) = pipeline_kpi_groups(entity=LEADS, new_label="New leads")
    (chart,) = pipeline_charts(pipelines=PIPELINES, entity=LEADS, title="Lead funnel")
    data = chart.data(manager, period_last(30))

    assert group.key == "leads" and [t.key for t in group.tiles] == ["new", "conversion"]
    assert group.compute(manager, period_last(30))["new"].current == 2
    assert chart.key == "lead-funnel" and chart.kind == "funnel"
    assert data.labels[:2] == ["New", "Contacted"] and data.series[0].values[:3] == [1, 1, 0]


# -- the public form's record ----------------------------------------------------------------
def test_a_public_record_is_made_for_the_next_assignee_with_the_tracking_and_mailed(
    manager, user, django_capture_on_commit_callbacks
):
    form = LeadForm.objects.create(
        tenant=manager.tenant,
        name="Contact",
        pipeline=PIPELINES.default(tenant_id=manager.tenant_id),
    )
    form.assignees.set([user])
    make = PublicRecord(
        create="opsbase.modules.leads.services.lead_create",
        values=lambda form: {"pipeline": form.pipeline, "source": "web_form"},
        subject=lambda lead: f"New: {lead}",
        template="leads/email/new_lead.txt",
    )

    with django_capture_on_commit_callbacks(execute=True):
        lead = make(
            form=form,
            data={"name": "Ada", "email": "ada@initech.test", "company": "", "phone": ""},
            tracking={"utm_source": "news", "gclid": "", "referrer": "https://x.test/"},
        )

    assert (lead.owner, lead.source, lead.utm_source) == (user, "web_form", "news")
    assert lead.referrer == "https://x.test/" and lead.gclid == ""
    assert [m.subject for m in mail.outbox] == ["New: Ada"]


# -- due reminders ---------------------------------------------------------------------------
def test_due_reminders_tell_the_owners_of_pending_records_due_that_day(manager, user):
    from datetime import date

    day = date(2030, 1, 2)
    lead_create(membership=manager, name="Due", follow_up=day)
    lead_create(membership=user, name="Other day", follow_up=date(2030, 1, 3))
    closed = lead_create(membership=user, name="Won", follow_up=day, value=Decimal(1))
    move(manager, closed, stages(manager)["Won"])
    reminders = DueReminders(
        model=Lead,
        date_field="follow_up",
        event="leads.follow_up_due",
        title=lambda lead: f"Due: {lead}",
        pending={"stage__kind": "open"},
    )

    assert reminders.notify(day=day) == 1
    assert replace(reminders, pending={}).notify(day=day) == 2


# -- the model bases, the detail page and the module's dashboard -----------------------------
def test_a_deal_and_a_contact_bring_their_fields_to_the_record():
    from opsbase.kit.duplicates import ContactBase
    from opsbase.kit.pipelines import DealBase

    fields = {f.name: f for f in Lead._meta.fields}

    for base in (ContactBase, DealBase):
        assert {f.name for f in base._meta.fields} <= set(fields)
    assert not fields["closed_at"].editable and not fields["phone_e164"].editable
    assert str(fields["value"].verbose_name) == "estimated value"


def test_the_deal_detail_offers_the_pipeline_stages_the_reasons_and_the_timeline(manager):
    from opsbase.testing.matrix import session_client

    lead = lead_create(membership=manager, name="Ada")

    context = session_client(manager).get(lead.get_absolute_url()).context

    assert [s.name for s in context["stages"]] == list(stages(manager))
    assert len(context["lost_reasons"]) == LostReason.objects.for_tenant(manager.tenant).count()
    assert context["may_change"] and not context["is_won"]
    assert context["may_convert"]  # the customers module is installed: its hook offered
    assert context["activity_form"] is not None and list(context["activities"]) == []


def test_a_pipeline_module_declares_its_whole_dashboard_by_dotted_paths():
    from opsbase.kit.pipeline_module import PipelineModule

    class Config(PipelineModule):
        pipeline_declarations = "opsbase.modules.leads.declarations.PIPELINES"
        pipeline_entity = "opsbase.modules.leads.entity.LEADS"
        pipeline_new_label = "New leads"
        pipeline_funnel_title = "Lead funnel"
        pipeline_order = 70

    config = Config()

    assert [c.key for c in config.dashboard_cards()] == ["leads-funnel", "leads-sources", "leads"]
    assert [(g.key, g.order) for g in config.dashboard_kpis()] == [("leads", 70)]
    assert [(c.key, c.title) for c in config.dashboard_charts()] == [("lead-funnel", "Lead funnel")]


def test_the_demo_spreads_records_over_every_stage_final_ones_moved_by_the_manager(world):
    from opsbase.kit.demo import demo_pipeline_seed

    members = world.members
    manager = members[RoleKind.MANAGER]
    moves = []

    def move(mover, lead, stage, lost):
        moves.append((mover.role.kind, stage.kind, lost))

    made = demo_pipeline_seed(
        members=members,
        pipeline=PIPELINES.default(tenant_id=manager.tenant_id),
        make=lambda n, owner: SimpleNamespace(n=n, owner=owner),
        move=move,
        count=12,
        lost="Price",
    )

    owners = [r.owner.role.kind for r in made[:3]]
    assert owners == [RoleKind.USER, RoleKind.MANAGER, RoleKind.MANAGER]
    assert len(moves) == 10  # 12 records, 2 left in the first stage
    assert {kind for kind, stage, _lost in moves if stage != "open"} == {RoleKind.MANAGER}
    assert {lost for _kind, stage, lost in moves if stage == "lost"} == {"Price"}


def test_a_pipeline_module_sets_up_each_new_organization_by_the_declared_setup(db):
    from django.apps import apps

    from opsbase.kernel.tenants.models import Tenant
    from opsbase.kit.pipeline_module import PipelineModule

    assert isinstance(apps.get_app_config("leads"), PipelineModule)

    tenant = Tenant.objects.create(name="Initech", slug="initech")

    made = Pipeline.objects.for_tenant(tenant.pk).get()
    assert made.is_default and [s.name for s in made.stages.all()][-1] == "Lost"
