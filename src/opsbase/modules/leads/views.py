"""Lead pages: the kit's list, detail, form and delete over LEADS, plus the board, moves,
activities, merge and the public web form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.kernel.policy import policy
from opsbase.kit.caching import counts_cached
from opsbase.kit.hooks import hook
from opsbase.kit.merge_pages import MergePage
from opsbase.kit.pipelines import Board
from opsbase.kit.views import ListPage, Pages, RecordDetailView
from opsbase.web.decorators import membership_required

from .constants import CHANGE, MANAGE, MERGE, VIEW, LeadSource, StageKind
from .declarations import PIPELINES
from .entity import LEADS, LOST_REASONS
from .forms import ActivityForm, LeadForm, LostReasonForm
from .models import LeadMerge, LostReason, Stage
from .selectors import lead_activities, lead_funnel, lead_report, lead_sources, lost_reason_list
from .services import (
    CUSTOMER_HOOK,
    activity_add,
    lead_convert,
    lead_follow_up,
    lead_merge,
    lead_merge_undo,
    lead_move,
    lead_move_undo,
)

# The pipeline and stage editors: the kit's pages over the declaration.
PipelinePages, StagePages = PIPELINES.editor_pages()


class LeadDetail(RecordDetailView):
    """The kit's detail, with the timeline, quick activity, moves and the score's reasons."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        stages = Stage.objects.for_tenant(obj.tenant_id).filter(pipeline_id=obj.pipeline_id)
        return {
            **super().context(obj),
            "activities": lead_activities(lead=obj)[:50],
            "activity_form": ActivityForm(),
            "stages": stages,
            "lost_reasons": lost_reason_list(tenant_id=obj.tenant_id),
            "may_change": policy.can(membership, CHANGE, obj),
            "is_won": obj.stage.kind == StageKind.WON,
            "may_convert": hook(CUSTOMER_HOOK) is not None and not obj.converted_to,
        }


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
    import_fields = (
        "name",
        "company",
        "email",
        "phone",
        "source",
        "value",
        "currency",
        "owner",
        "follow_up",
    )
    merge = MergePage(
        codename=MERGE,
        fields=(*import_fields, "utm_source", "utm_medium", "utm_campaign", "referrer"),
        merge=lead_merge,
        undo=lead_merge_undo,
        journal=LeadMerge,
        duplicate_field="duplicate_of",
    )


class LostReasonPages(Pages):
    """The reasons a Manager offers for a lost lead (moving a lead to a lost stage asks one)."""

    entity = LOST_REASONS
    form_class = LostReasonForm
    lists = (
        ListPage(
            "lostreason_list",
            "",
            codename=MANAGE,
            heading=gettext_lazy("Lost reasons"),
            icon="x-octagon",
            empty_title=gettext_lazy("No lost reasons yet."),
            empty_text=gettext_lazy("Moving a lead to a lost stage asks for one of them."),
        ),
    )


@require_POST
@membership_required
def lead_activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    lead = LEADS.record(membership, pk)
    policy.require(membership, CHANGE, lead)
    form = ActivityForm(request.POST)
    if form.is_valid():
        activity_add(membership=membership, lead=lead, **form.cleaned_data)
        messages.success(request, _("Activity added."))
    else:
        messages.error(request, _("Say what happened."))
    return redirect("leads:lead_detail", pk=lead.pk)


@require_POST
@membership_required
def lead_won_action(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Convert a won lead into a customer, or give it a follow-up task."""
    membership = request.membership  # type: ignore[attr-defined]
    lead = LEADS.record(membership, pk)
    try:
        if what == "convert":
            lead_convert(membership=membership, lead=lead)
            messages.success(request, _("Customer created."))
        else:
            title = request.POST.get("title", "").strip() or _("Follow up with %s") % lead
            lead_follow_up(membership=membership, lead=lead, title=title[:200])
            messages.success(request, _("Follow-up task created."))
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, exc.message)
    return redirect("leads:lead_detail", pk=lead.pk)


LEAD_BOARD = Board(
    pipelines=PIPELINES,
    entity=LEADS,
    move=lead_move,
    undo=lead_move_undo,
    extra={"lost_reason": LostReason},
    move_fields="leads/_move_fields.html",
)


def lead_dashboard_counts(membership) -> list[tuple[object, int, str | None]]:
    counts = counts_cached(
        "leads.lead:counts", membership, VIEW, lambda: lead_report(membership=membership)
    )
    shown = reverse("leads:lead_list")
    return [
        (_("Open"), counts["open"], None),
        (_("Won"), counts["won"], None),
        (_("Lost"), counts["lost"], None),
        (_("Follow-ups due today"), counts["due"], f"{shown}?due=true"),
    ]


def lead_funnel_counts(membership) -> list[tuple[object, int, str | None]]:
    """The funnel card: each stage of the default pipeline with its leads."""
    rows = counts_cached(
        "leads.lead:funnel", membership, VIEW, lambda: lead_funnel(membership=membership)
    )
    shown = reverse("leads:lead_list")
    return [(name, count, f"{shown}?stage={pk}") for name, pk, count in rows]


def lead_source_counts(membership) -> list[tuple[object, Any, str | None]]:
    """The sources card: per source, the share of leads won and the value won."""
    rows = counts_cached(
        "leads.lead:sources", membership, VIEW, lambda: lead_sources(membership=membership)
    )
    labels = dict(LeadSource.choices)
    shown = reverse("leads:lead_list")
    return [
        (
            labels.get(source, source),
            f"{round(100 * won / total) if total else 0} % · {floatformat(value, '0g')}",
            f"{shown}?source={source}",
        )
        for source, total, won, value in sorted(rows, key=lambda r: -r[3])
    ]
