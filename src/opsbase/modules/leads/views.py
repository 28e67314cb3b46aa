"""Lead pages: the kit's list, detail, form and delete over LEADS, plus the board, moves,
activities, merge and the public web form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.core.middleware import client_ip
from opsbase.kernel.policy import policy
from opsbase.kit.caching import counts_cached
from opsbase.kit.hooks import hook
from opsbase.kit.merge_pages import MergePage
from opsbase.kit.ratelimit import rate_limit_hit
from opsbase.kit.selectors import member_choices
from opsbase.kit.views import ListPage, Pages, RecordDetailView
from opsbase.web.decorators import membership_required

from .constants import CHANGE, MANAGE, MERGE, TRACKING_FIELDS, VIEW, LeadSource, StageKind
from .entity import LEADS, LOST_REASONS
from .forms import ActivityForm, LeadForm, LostReasonForm, PublicLeadForm
from .models import LeadMerge, Stage
from .selectors import (
    board_columns,
    lead_activities,
    lead_form_by_key,
    lead_form_list,
    lead_funnel,
    lead_report,
    lead_sources,
    lost_reason_list,
    pipeline_default,
    pipeline_list,
)
from .services import (
    CUSTOMER_HOOK,
    activity_add,
    lead_convert,
    lead_follow_up,
    lead_form_create,
    lead_form_rotate,
    lead_form_submit,
    lead_merge,
    lead_merge_undo,
    lead_move,
    lead_move_undo,
)

FORM_RATE = 30  # posts per address per minute


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


@membership_required
def lead_board(request: HttpRequest) -> HttpResponse:
    """The pipeline board: a column per stage, with counts and value sums."""
    membership = request.membership  # type: ignore[attr-defined]
    policy.require(membership, VIEW)
    pipelines = list(pipeline_list(membership=membership))
    wanted = request.GET.get("pipeline", "")
    pipeline = next((p for p in pipelines if str(p.pk) == wanted), None) or (
        pipelines[0] if pipelines else pipeline_default(tenant_id=membership.tenant_id)
    )
    context = {
        "pipeline": pipeline,
        "pipelines": pipelines,
        "columns": board_columns(membership=membership, pipeline=pipeline),
        "lost_reasons": lost_reason_list(tenant_id=membership.tenant_id),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "leads/_board.html" if partial else "leads/board.html"
    return render(request, template, {**context, "partial": partial})


@require_POST
@membership_required
def lead_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A move (board drag, keyboard or detail page), or its undo (``undo=1``)."""
    membership = request.membership  # type: ignore[attr-defined]
    lead = LEADS.record(membership, pk)
    try:
        if request.POST.get("undo"):
            lead_move_undo(membership=membership, lead=lead)
            messages.success(request, _("Move undone."))
        else:
            stage = (
                Stage.objects.for_tenant(membership.tenant_id)
                .filter(pk=_int(request.POST.get("stage")))
                .first()
            )
            reason = (
                lost_reason_list(tenant_id=membership.tenant_id)
                .filter(pk=_int(request.POST.get("lost_reason")))
                .first()
            )
            if stage is None:
                raise ValidationError(extra={"fields": {"stage": [_("Choose a stage.")]}})
            lead_move(membership=membership, lead=lead, stage=stage, lost_reason=reason)
            messages.success(
                request, _("%(lead)s moved to %(stage)s.") % {"lead": lead, "stage": stage}
            )
    except (ValidationError, InvalidTransition) as exc:
        fields = exc.extra.get("fields") if isinstance(exc, ValidationError) else None
        text = " ".join(m for ms in (fields or {}).values() for m in ms) or exc.message
        messages.error(request, text)
        if request.headers.get("HX-Request"):
            return lead_board(_as_get(request))
    if request.headers.get("HX-Request"):
        return lead_board(_as_get(request))
    return redirect(request.POST.get("next") or reverse("leads:lead_detail", args=[lead.pk]))


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


@membership_required
def lead_forms(request: HttpRequest) -> HttpResponse:
    """The organization's web forms with their address and embeddable snippets; a Manager
    adds one (its assignees: the members chosen) or gives one a new key."""
    membership = request.membership  # type: ignore[attr-defined]
    policy.require(membership, MANAGE)
    if request.method == "POST":
        if request.POST.get("rotate"):
            form = (
                lead_form_list(membership=membership)
                .filter(pk=_int(request.POST["rotate"]))
                .first()
            )
            if form is not None:
                lead_form_rotate(membership=membership, form=form)
                messages.success(request, _("The form has a new address; the old one is closed."))
        else:
            members = member_choices(membership=membership).filter(
                pk__in=[_int(pk) for pk in request.POST.getlist("assignees")]
            )
            name = request.POST.get("name", "").strip()[:100] or _("Contact us")
            lead_form_create(
                membership=membership,
                name=name,
                assignees=list(members),
                pipeline=pipeline_default(tenant_id=membership.tenant_id),
                redirect_url=request.POST.get("redirect_url", "").strip()[:200],
            )
            messages.success(request, _("Form “%s” created.") % name)
        return redirect("leads:lead_forms")
    forms = [
        {
            "form": f,
            "path": reverse("lead_public_form", args=[f.public_key]),
            "url": request.build_absolute_uri(reverse("lead_public_form", args=[f.public_key])),
        }
        for f in lead_form_list(membership=membership)
    ]
    return render(
        request,
        "leads/forms.html",
        {
            "forms": forms,
            "members": member_choices(membership=membership),
        },
    )


@csrf_exempt
@xframe_options_exempt
def lead_public_form(request: HttpRequest, key: str) -> HttpResponse:
    """The public web-to-lead form (embeddable). Over 30 posts a minute from one address:
    429, nothing stored. A filled honeypot is thanked and dropped."""
    form_def = lead_form_by_key(key=key)
    if form_def is None:
        return render(request, "leads/public_form.html", {"missing": True}, status=404)
    tracking = {name: request.GET.get(name, "")[:255] for name in TRACKING_FIELDS}
    tracking["referrer"] = request.META.get("HTTP_REFERER", "")[:500]
    if request.method != "POST":
        return render(request, "leads/public_form.html", {"form": PublicLeadForm()})
    if not rate_limit_hit("leads.form", client_ip(request) or "-", FORM_RATE, 60):
        return HttpResponse(_("Too many requests; try again in a minute."), status=429)
    form = PublicLeadForm(request.POST)
    if not form.is_valid():
        return render(request, "leads/public_form.html", {"form": form}, status=400)
    if not form.cleaned_data.get("website"):
        tracking.update({k: request.POST.get(k, tracking[k])[:255] for k in TRACKING_FIELDS})
        try:
            # A visitor is no member: the request binds no organization; the form's does.
            with tenant_context(form_def.tenant_id):
                lead_form_submit(
                    form=form_def,
                    data=form.cleaned_data,
                    tracking=tracking,
                    site_url=request.build_absolute_uri("/"),
                )
        except ValidationError as exc:
            for name, errors in (exc.extra.get("fields") or {}).items():
                form.add_error(name if name in form.fields else None, errors)
            return render(request, "leads/public_form.html", {"form": form}, status=400)
    if form_def.redirect_url:
        return redirect(form_def.redirect_url)
    return render(request, "leads/public_form.html", {"thanks": True})


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


def _int(text: Any) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _as_get(request: HttpRequest) -> HttpRequest:
    request.method = "GET"
    return request
