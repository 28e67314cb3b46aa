"""Leads API: ``/api/v1/leads/`` (the kit's viewset over LEADS) with moves, activities, merge
and import; ``/api/v1/pipelines/`` and ``/api/v1/lead-forms/``."""

from __future__ import annotations

from opsbase.kit.api import TenantModelViewSet
from opsbase.kit.api_actions import assign_action, merge_action, merge_undo_action
from opsbase.kit.pipelines import PipelineViewSet as KitPipelineViewSet
from opsbase.kit.public_forms import PublicFormViewSet
from opsbase.kit.scoring import ScoringView

from .declarations import LEAD_FORMS, LEAD_TIMELINE, PIPELINES, SCORING
from .entity import LEADS
from .serializers import LeadFormSerializer, LeadSerializer
from .services import LEAD_FOLLOW_UP, TO_CUSTOMER
from .views import LEAD_BOARD, LeadPages


class LeadViewSet(TenantModelViewSet):
    """Leads of the caller's organization: a User's own, every one for Admin and Manager."""

    entity = LEADS
    serializer_class = LeadSerializer
    import_pages = LeadPages
    example = {
        "id": 12,
        "name": "Ada Park",
        "company": "Initech",
        "email": "ada@initech.test",
        "stage": 3,
        "stage_name": "Qualified",
        "source": "web_form",
        "score": 45,
    }
    create_example = {
        "name": "Ada Park",
        "company": "Initech",
        "email": "ada@initech.test",
        "value": "12000.00",
        "currency": "EUR",
    }
    docs = {
        "list": {
            "description": "Filters: `stage`, `owner`, `source`, `due`, `score_min`, "
            "`score_max`, `q` (name, company, e-mail, phone); `ordering`."
        }
    }

    move = LEAD_BOARD.api_action()
    activities = LEAD_TIMELINE.api_action()
    assign = assign_action(key="leads", field="owner")
    merge = merge_action("lead")
    merge_undo = merge_undo_action()

    convert = TO_CUSTOMER.api_action("customer")

    follow_up = LEAD_FOLLOW_UP.api_action("A follow-up task for a won lead")


class LeadScoringView(ScoringView):
    """The organization's scoring rules: each rule's points (``PATCH`` some; Admin and
    Manager). Open leads are rescored at once."""

    scoring = SCORING


class PipelineViewSet(KitPipelineViewSet):
    """The organization's pipelines and their ordered stages."""

    pipelines = PIPELINES


class LeadFormViewSet(PublicFormViewSet):
    """Public web-to-lead forms (``/w/<public_key>/``); Admins and Managers make them."""

    forms = LEAD_FORMS
    serializer_class = LeadFormSerializer
