"""What leads take from the kit's engines: explainable scoring, the timeline, pipelines of
stages and public web forms."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from opsbase.kit.pipelines import Pipelines, StageKind
from opsbase.kit.public_forms import PublicForms
from opsbase.kit.reference_lists import ReferenceList
from opsbase.kit.scoring import Scoring
from opsbase.kit.timeline import Timeline

from .constants import ADD, CHANGE, DEFAULT_SCORING, MANAGE, ActivityKind
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
)
PIPELINES = Pipelines(
    pipeline_model=Pipeline,
    stage_model=Stage,
    codename=MANAGE,
    view_codename=VIEW_PIPELINES,
    record_model=Lead,
    timeline=LEAD_TIMELINE,
    move_kind=ActivityKind.STAGE,
)


def _submit(**kwargs: Any) -> Any:
    from .services import lead_form_submit

    return lead_form_submit(**kwargs)


def _form_defaults(membership: Any) -> dict[str, Any]:
    from .selectors import pipeline_default

    return {"pipeline": pipeline_default(tenant_id=membership.tenant_id)}


LEAD_FORMS = PublicForms(
    model=LeadForm,
    codename=MANAGE,
    url_name="lead_public_form",
    submit=_submit,
    create_defaults=_form_defaults,
)
