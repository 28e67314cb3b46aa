"""Lead pages: the kit's list, detail, form and delete over LEADS, plus the board, moves,
activities, merge and the public web form."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsbase.kit.pipelines import Board, DealDetailView
from opsbase.kit.views import ListPage, Pages

from .constants import LEAD_FIELDS, VIEW, LeadSource
from .declarations import LEAD_TIMELINE, LOST_REASONS, PIPELINES
from .entity import LEADS
from .forms import LeadForm
from .models import LostReason
from .services import (
    LEAD_FOLLOW_UP,
    LEAD_MERGES,
    TO_CUSTOMER,
    lead_move,
    lead_move_undo,
)

# The pipeline and stage editors: the kit's pages over the declaration.
PipelinePages, StagePages = PIPELINES.editor_pages()


class LeadDetail(DealDetailView):
    """The kit's detail, with the timeline, quick activity, moves and the score's reasons."""

    pipelines = PIPELINES
    lost_reasons = LOST_REASONS
    conversion = TO_CUSTOMER


class LeadPages(Pages):
    entity = LEADS
    form_class = LeadForm
    detail_view = LeadDetail
    lists = (
        ListPage(
            "lead_list",
            "",
            codename=VIEW,
            heading=gettext_lazy("Leads"),
            icon="person-lines-fill",
            empty_title=gettext_lazy("No leads yet."),
            empty_text=gettext_lazy("Leads you create, import or receive show up here."),
        ),
    )
    import_defaults = {"source": LeadSource.IMPORT}
    import_required = ("name",)
    import_fields = LEAD_FIELDS
    merge = LEAD_MERGES.page((*LEAD_FIELDS, "utm_source", "utm_medium", "utm_campaign", "referrer"))


# The reasons a Manager offers for a lost lead (moving a lead to a lost stage asks one).
LostReasonPages = LOST_REASONS.pages


# A won lead's buttons: make a customer of it, or a follow-up task.
lead_convert_view = TO_CUSTOMER.page_view(LEADS, gettext_lazy("Customer created."))
lead_follow_up_view = LEAD_FOLLOW_UP.page_view(
    LEADS, gettext_lazy("Follow-up task created."), lambda lead: _("Follow up with %s") % lead
)
lead_activity_add = LEAD_TIMELINE.add_view(LEADS)
LEAD_BOARD = Board(
    pipelines=PIPELINES,
    entity=LEADS,
    move=lead_move,
    undo=lead_move_undo,
    extra={"lost_reason": LostReason},
    move_fields="leads/_move_fields.html",
)
