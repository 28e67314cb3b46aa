"""NCR pages: the list (state and severity filters), the kit's record pages over NCRS, and a
detail page with the five whys, the dispositions and the form that records one."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.core.exceptions import Conflict, ValidationError
from opsbase.kernel.policy import policy
from opsbase.kit.actions import Action
from opsbase.kit.caching import counts_cached
from opsbase.kit.views import ListPage, Pages, PageView, RecordDetailView
from opsbase.modules.checklists.fill import answers_from_post, fill_errors, fill_items
from opsbase.modules.checklists.selectors import submission_rows

from .constants import (
    ADD,
    ADD_INSPECTION,
    DISPOSITION,
    VIEW,
    VIEW_INSPECTION,
    WHY_FIELDS,
    InspectionResult,
    NcrState,
    Severity,
)
from .entity import INSPECTIONS, NCRS
from .forms import DispositionForm, InspectionForm, InspectionStartForm, NcrForm
from .selectors import AGE_BANDS, disposition_list, ncr_open_counts
from .services import disposition_record, inspection_create, inspection_raise_ncr

SORT_CHOICES = (
    ("-created_at", _lazy("Newest first")),
    ("created_at", _lazy("Oldest first")),
    ("-severity", _lazy("Most severe")),
    ("number", _lazy("Number")),
    ("state", _lazy("State")),
)


class NcrDetail(RecordDetailView):
    """An NCR, its five whys, its dispositions and (in Disposition) the form to add one."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        may_dispose = obj.state == NcrState.DISPOSITION and policy.can(membership, DISPOSITION, obj)
        return {
            **super().context(obj),
            "whys": [(n, getattr(obj, name)) for n, name in enumerate(WHY_FIELDS, 1)],
            "has_whys": any(getattr(obj, name) for name in WHY_FIELDS),
            "dispositions": list(disposition_list(ncr=obj)),
            "disposition_form": DispositionForm(membership=membership) if may_dispose else None,
            "disposition_url": reverse("quality:ncr_disposition", args=[obj.pk]),
        }


class DispositionView(PageView):
    """Record and apply a disposition from the NCR's page."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        ncr = self.record(pk)
        form = DispositionForm(request.POST, membership=membership)
        try:
            if not form.is_valid():
                raise ValidationError(
                    _("Please correct the errors below."),
                    extra={"fields": {k: list(v) for k, v in form.errors.items()}},
                )
            disposition_record(membership=membership, ncr=ncr, **form.cleaned_data)
        except ValidationError as exc:
            fields = exc.extra.get("fields") or {}
            problems = [m for ms in fields.values() for m in ms] or [exc.message]
            messages.error(request, " ".join(str(p) for p in problems))
        else:
            messages.success(request, _("Disposition recorded and applied."))
        return redirect(self.url("detail", ncr.pk))


class NcrPages(Pages):
    entity = NCRS
    form_class = NcrForm
    detail_view = NcrDetail
    lists = (
        ListPage(
            "ncr_list",
            "",
            codename=VIEW,
            heading=_lazy("Non-conformance reports"),
            empty_title=_lazy("No NCRs yet."),
            empty_text=_lazy("Non-conforming bits, work and stock show up here."),
            icon="exclamation-octagon",
            sort_choices=SORT_CHOICES,
            views=(
                (_lazy("Open"), "state=open"),
                (_lazy("Critical"), "severity=critical"),
            ),
        ),
    )

    @classmethod
    def urls(cls) -> list[URLPattern]:
        return [
            *super().urls(),
            path(
                "<int:pk>/dispositions/",
                DispositionView.as_view(pages=cls),
                name="ncr_disposition",
            ),
        ]


def ncr_dashboard_counts(membership: Any) -> list[tuple[object, int, str | None]]:
    """The dashboard's NCR card: open NCRs by severity, then by age (cached per tenant
    version)."""
    counts = counts_cached(
        "quality.ncr:counts", membership, VIEW, lambda: ncr_open_counts(membership=membership)
    )
    shown = reverse("quality:ncr_list")
    answer: list[tuple[object, int, str | None]] = []
    for severity in reversed(Severity):
        n = counts["by_severity"].get(severity.value, 0)
        answer.append((severity.label, n, f"{shown}?severity={severity.value}"))
    for (_limit, label), n in zip(AGE_BANDS, counts["by_age"], strict=True):
        answer.append((_("Open %(age)s") % {"age": label}, n, None))
    return answer


# -- inspections ------------------------------------------------------------------------------

SUBJECTS = ("drill_bit", "work_order", "item", "location")


class InspectionDetail(RecordDetailView):
    """An inspection: its subject, result, each answer with its flag, the photos and the
    signature, and (failed) the NCR raised from it or the button that raises one."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        failed = obj.result == InspectionResult.FAILED
        return {
            **super().context(obj),
            "answers": submission_rows(obj.submission),
            "may_raise": failed and obj.ncr_id is None and policy.can(membership, ADD),
            "raise_url": reverse("quality:inspection_ncr", args=[obj.pk]),
        }


class InspectionStartView(PageView):
    """A new inspection: choose what to inspect and the form (prefilled from a scan or a
    work order's QC step: ``?drill_bit=<id>``, ``?work_order=<id>``), then fill it in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, ADD_INSPECTION)
        if request.GET.get("form_version"):
            start = InspectionStartForm(request.GET, membership=membership)
            if start.is_valid():
                return self.fill(
                    request, start, fill_items(start.cleaned_data["form_version"].fields)
                )
        else:
            initial = {k: request.GET[k] for k in SUBJECTS if request.GET.get(k, "").isdigit()}
            start = InspectionStartForm(initial=initial, membership=membership)
        return self.show(request, "quality/inspection_start.html", {"start": start})

    def post(self, request: HttpRequest) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, ADD_INSPECTION)
        start = InspectionStartForm(request.POST, membership=membership)
        if not start.is_valid():
            return self.show(request, "quality/inspection_start.html", {"start": start}, 400)
        data = start.cleaned_data
        version = data["form_version"]
        answers = answers_from_post(version.fields, request.POST, request.FILES)
        try:
            inspection = inspection_create(
                membership=membership,
                form_version=version,
                answers=answers,
                notes=data["notes"],
                **{k: data[k] for k in SUBJECTS if data.get(k) is not None},
            )
        except ValidationError as exc:
            fields = exc.extra.get("fields") or {}
            typed = {k: v for k, v in answers.items() if isinstance(v, str)}
            items = fill_items(version.fields, answers=typed, errors=fill_errors(fields))
            others = [m for k, ms in fields.items() if not k.startswith("answers.") for m in ms]
            if others or not fields:
                messages.error(request, " ".join(str(m) for m in others) or exc.message)
            return self.fill(request, start, items, status=400)
        if inspection.result == InspectionResult.PASSED:
            messages.success(request, _("Inspection %(n)s passed.") % {"n": inspection.number})
        else:
            messages.warning(request, _("Inspection %(n)s failed.") % {"n": inspection.number})
        return redirect(self.url("detail", inspection.pk))

    def fill(self, request: HttpRequest, start: Any, items: Any, status: int = 200) -> HttpResponse:
        data = start.cleaned_data
        subject = next((data[k] for k in ("drill_bit", "work_order", "item") if data.get(k)), None)
        context = {
            "start": start,
            "version": data["form_version"],
            "subject": subject,
            "location": data.get("location"),
            "hidden": {
                k: getattr(data.get(k), "pk", "")
                for k in ("form_version", *SUBJECTS)
                if data.get(k) is not None
            },
            "notes": data.get("notes") or "",
            "items": items,
        }
        return self.show(request, "quality/inspection_fill.html", context, status)

    def show(
        self, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        return render(request, template, {**self.base_context(), **context}, status=status)


class RaiseNcrView(PageView):
    """Raise an NCR from a failed inspection, then edit it."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = self.record(pk)
        try:
            ncr = inspection_raise_ncr(membership=request.membership, inspection=inspection)  # type: ignore[attr-defined]
        except (Conflict, ValidationError) as exc:
            messages.error(request, exc.message)
            return redirect(self.url("detail", inspection.pk))
        messages.success(request, _("%(ncr)s raised from the inspection.") % {"ncr": ncr.number})
        return redirect(reverse("quality:ncr_detail", args=[ncr.pk]))


class InspectionPages(Pages):
    entity = INSPECTIONS
    form_class = InspectionForm
    detail_view = InspectionDetail
    lists = (
        ListPage(
            "inspection_list",
            "",
            codename=VIEW_INSPECTION,
            heading=_lazy("Inspections"),
            empty_title=_lazy("No inspections yet."),
            empty_text=_lazy("Inspections of bits, work orders and received stock show up here."),
            icon="clipboard2-check",
            views=((_lazy("Failed"), "result=fail"),),
        ),
    )

    @classmethod
    def urls(cls) -> list[URLPattern]:
        patterns = [p for p in super().urls() if p.name != "inspection_create"]
        return [
            path("new/", InspectionStartView.as_view(pages=cls), name="inspection_create"),
            *patterns,
            path("<int:pk>/ncr/", RaiseNcrView.as_view(pages=cls), name="inspection_ncr"),
        ]


def inspect_bit_actions(*, membership: Any, obj: Any) -> list[Action]:
    """On a drill bit's scan page: inspect it."""
    if not policy.can(membership, ADD_INSPECTION):
        return []
    url = f"{reverse('quality:inspection_create')}?drill_bit={obj.pk}"
    return [Action(_("Inspect this bit"), url, icon="clipboard2-check", testid="scan-inspect")]


def inspect_workorder_actions(*, membership: Any, obj: Any) -> list[Action]:
    """On a work order's page at its QC step: inspect it."""
    if obj.state != "qc" or not policy.can(membership, ADD_INSPECTION):
        return []
    url = f"{reverse('quality:inspection_create')}?work_order={obj.pk}"
    return [Action(_("Inspect (QC)"), url, icon="clipboard2-check", testid="workorder-inspect")]


__all__ = ["InspectionPages", "NcrPages", "ncr_dashboard_counts"]
