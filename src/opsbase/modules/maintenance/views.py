"""Maintenance pages: equipment (with a form for a meter reading) and plans (with the work
orders they generated), and the dashboard's card."""

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

from .constants import RECORD_HOURS, VIEW
from .entity import EQUIPMENT, PLANS
from .forms import EquipmentForm, HoursForm, PlanForm
from .selectors import maintenance_counts, plan_orders
from .services import equipment_record_hours


class EquipmentDetail(RecordDetailView):
    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        may_record = policy.can(membership, RECORD_HOURS, obj)
        return {
            **super().context(obj),
            "hours_form": HoursForm(initial={"hours": obj.hours_meter}) if may_record else None,
            "hours_url": reverse("maintenance:equipment_hours", args=[obj.pk]),
            "plans_url": reverse("maintenance:maintenanceplan_list") + f"?equipment={obj.pk}",
        }


class HoursView(PageView):
    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        equipment = self.record(pk)
        form = HoursForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(
                    _("Please correct the errors below."),
                    extra={"fields": {k: list(v) for k, v in form.errors.items()}},
                )
            equipment_record_hours(
                membership=request.membership,  # type: ignore[attr-defined]
                equipment=equipment,
                hours=form.cleaned_data["hours"],
            )
        except ValidationError as exc:
            fields = exc.extra.get("fields") or {}
            problems = [m for ms in fields.values() for m in ms] or [exc.message]
            messages.error(request, " ".join(str(p) for p in problems))
        else:
            messages.success(request, _("Hours meter recorded."))
        return redirect(self.url("detail", equipment.pk))


class EquipmentPages(Pages):
    entity = EQUIPMENT
    form_class = EquipmentForm
    detail_view = EquipmentDetail
    lists = (
        ListPage(
            "equipment_list",
            "",
            codename=VIEW,
            heading=_lazy("Equipment"),
            empty_title=_lazy("No equipment yet."),
            empty_text=_lazy("The workshop's machines and their hours meters show up here."),
            icon="gear-wide-connected",
        ),
    )
    import_fields = ("code", "name", "location", "hours_meter", "notes")

    @classmethod
    def urls(cls) -> list[URLPattern]:
        return [
            *super().urls(),
            path("<int:pk>/hours/", HoursView.as_view(pages=cls), name="equipment_hours"),
        ]


class PlanDetail(RecordDetailView):
    def context(self, obj: Any) -> dict[str, Any]:
        return {**super().context(obj), "orders": list(plan_orders(plan=obj))}


class PlanPages(Pages):
    entity = PLANS
    form_class = PlanForm
    detail_view = PlanDetail
    lists = (
        ListPage(
            "maintenanceplan_list",
            "",
            codename=VIEW,
            heading=_lazy("Maintenance plans"),
            empty_title=_lazy("No maintenance plans yet."),
            empty_text=_lazy("Plans that service a machine every N days or hours show up here."),
            icon="calendar-check",
            views=((_lazy("Overdue"), "overdue=true"),),
        ),
    )


def maintenance_dashboard_counts(membership: Any) -> list[tuple[object, int, str | None]]:
    """The dashboard's maintenance card (cached per tenant version and day)."""
    counts = counts_cached(
        "maintenance:counts", membership, VIEW, lambda: maintenance_counts(membership=membership)
    )
    plans = reverse("maintenance:maintenanceplan_list")
    orders = reverse("workorders:workorder_list")
    return [
        (_("Overdue plans"), counts["overdue"], f"{plans}?overdue=true"),
        (_("Due within a week"), counts["due_soon"], plans),
        (_("Open maintenance orders"), counts["open_orders"], f"{orders}?type=maintenance"),
    ]


__all__ = ["EquipmentPages", "PlanPages", "maintenance_dashboard_counts"]
