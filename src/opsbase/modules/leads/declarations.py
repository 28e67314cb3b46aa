"""What leads take from the kit's engines: explainable scoring, the timeline, pipelines of
stages and public web forms."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opsbase.kit.deal_constants import ActivityKind
from opsbase.kit.pipelines import Pipelines, StageKind
from opsbase.kit.public_forms import PublicForms, PublicRecord
from opsbase.kit.reference_lists import ReferenceList
from opsbase.kit.reminders import DueReminders
from opsbase.kit.scoring import Scoring
from opsbase.kit.timeline import Timeline

from .constants import (
    ADD,
    CHANGE,
    DEFAULT_LOST_REASONS,
    DEFAULT_PIPELINE,
    DEFAULT_SCORING,
    DEFAULT_STAGES,
    MANAGE,
    LeadSource,
)
from .models import Activity, Lead, LeadForm, LostReason, Pipeline, ScoringRule, Stage
from .permissions import VIEW_PIPELINES

SCORING = Scoring(
    rule_model=ScoringRule,
    record_model=Lead,
    codename=MANAGE,
    view_codename=VIEW_PIPELINES,
    defaults=DEFAULT_SCORING,
    choices=("source",),
    complete=("email", "phone", "company", "value"),
    is_open=lambda lead: lead.stage.kind == StageKind.OPEN,
    open_filter={"stage__kind": StageKind.OPEN, "merged_into": None},
    related=("stage",),
)
# A lead's timeline: every entry needs the right to change the lead, and rescores it.
LEAD_TIMELINE = Timeline(
    model=Activity,
    record_field="lead",
    codename=CHANGE,
    add_codename=ADD,
    system_kinds=(ActivityKind.STAGE,),
    touched=SCORING.rescore,
)
# The reasons a lead is lost: a reference list a Manager keeps (its pages: views).
LOST_REASONS = ReferenceList(
    LostReason,
    codename=MANAGE,
    list_name="lostreason_list",
    heading=_("Lost reasons"),
    icon="x-octagon",
    empty_title=_("No lost reasons yet."),
    empty_text=_("Moving a lead to a lost stage asks for one of them."),
    doc="The reasons a Manager offers for a lost lead (moving a lead to a lost stage asks one).",
    defaults=DEFAULT_LOST_REASONS,
)
PIPELINES = Pipelines(
    pipeline_model=Pipeline,
    stage_model=Stage,
    codename=MANAGE,
    view_codename=VIEW_PIPELINES,
    record_model=Lead,
    timeline=LEAD_TIMELINE,
    move_kind=ActivityKind.STAGE,
    default_name=DEFAULT_PIPELINE,
    default_stages=DEFAULT_STAGES,
    default_lists=(LOST_REASONS,),
    lost_field="lost_reason",
    analytics="lead",
)
# A visitor's post makes a lead of the form's pipeline, owned by its next assignee (e-mailed).
LEAD_FORMS = PublicForms(
    model=LeadForm,
    codename=MANAGE,
    url_name="lead_public_form",
    submit=PublicRecord(
        create="opsbase.modules.leads.services.lead_create",
        values=lambda form: {"pipeline": form.pipeline, "source": LeadSource.WEB_FORM},
        subject=lambda lead: gettext("New lead: %s") % lead,
        template="leads/email/new_lead.txt",
    ),
    create_defaults=lambda m: {"pipeline": PIPELINES.default(tenant_id=m.tenant_id)},
)
# Each morning, the owner of an open lead whose follow-up is today is told.
FOLLOW_UPS_DUE = DueReminders(
    model=Lead,
    date_field="follow_up",
    event="leads.follow_up_due",
    title=lambda lead: gettext("Follow up today: %(lead)s") % {"lead": lead},
    pending={"stage__kind": StageKind.OPEN, "merged_into": None},
)
