"""NCR pages: the list (state and severity filters), the kit's record pages over NCRS, and a
detail page with the five whys, the dispositions and the form that records one."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.kit.caching import counts_cached
from opsbase.kit.views import ListPage, Pages, PageView, RecordDetailView

from .constants import DISPOSITION, VIEW, WHY_FIELDS, NcrState, Severity
from .entity import NCRS
from .forms import DispositionForm, NcrForm
from .selectors import AGE_BANDS, disposition_list, ncr_open_counts
from .services import disposition_record

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


__all__ = ["NcrPages", "ncr_dashboard_counts"]
