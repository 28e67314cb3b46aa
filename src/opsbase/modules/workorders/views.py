"""Work-order pages: the lists, the kit's record pages over WORK_ORDERS, and a detail page
with the operations checklist, the progress, the parts issued and the state history."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.kit.actions import actions_at
from opsbase.kit.caching import counts_cached
from opsbase.kit.views import ListPage, Pages, PageView, RecordDetailView

from .constants import CHANGE, EDITABLE_STATES, VIEW, WORK, WorkOrderState
from .entity import WORK_ORDERS
from .forms import OperationForm, OperationWorkForm, PartForm, WorkOrderForm
from .selectors import (
    bit_choices,
    bit_list,
    operation_get_for,
    operation_list,
    part_list,
    planning_week,
    workorder_counts,
    workorder_filter_mine,
    workorder_state_history,
)
from .services import (
    bit_add,
    bit_remove,
    operation_add,
    operation_update,
    part_issue,
    workorder_update,
)

SORT_CHOICES = (
    ("-created_at", _lazy("Newest first")),
    ("created_at", _lazy("Oldest first")),
    ("due_date", _lazy("Due soonest")),
    ("planned_start", _lazy("Starting soonest")),
    ("-priority", _lazy("Highest priority")),
    ("number", _lazy("Number")),
    ("state", _lazy("State")),
    ("-progress", _lazy("Most progressed")),
)


class WorkOrderDetail(RecordDetailView):
    """A work order, its checklist, the parts it consumed and its stays in each state."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        may_work = policy.can(membership, WORK, obj)
        may_change = policy.can(membership, CHANGE, obj)
        working = obj.state == WorkOrderState.IN_PROGRESS
        context = super().context(obj)
        # Only a draft is deleted; any other is cancelled (its delete answers 409).
        context["may_delete"] = context["may_delete"] and obj.state == WorkOrderState.DRAFT
        return {
            **context,
            "operations": list(operation_list(work_order=obj)),
            "parts": list(part_list(work_order=obj)),
            "stays": workorder_state_history(obj),
            "may_tick": may_work and working,
            "may_plan": may_change and obj.state in EDITABLE_STATES,
            "may_issue": may_work and working,
            "operation_form": OperationForm(),
            "part_form": PartForm(membership=membership) if may_work and working else None,
            "bits": list(bit_list(work_order=obj)),
            "bit_choices": list(bit_choices(membership=membership, work_order=obj))
            if may_change and obj.state in EDITABLE_STATES
            else [],
            "bit_add_url": reverse("workorders:workorder_bit_add", args=[obj.pk]),
            "operation_add_url": reverse("workorders:workorder_operation_add", args=[obj.pk]),
            "part_issue_url": reverse("workorders:workorder_part_issue", args=[obj.pk]),
            # What other installed modules offer here (quality: inspect at the QC step).
            "actions": actions_at("workorders.detail", membership=membership, obj=obj),
        }


class _DetailAction(PageView):
    """A POST from the detail page that calls one service, then goes back to the page."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]
    done_message: ClassVar[Any] = ""

    def act(self, request: HttpRequest, work_order: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        work_order = self.record(pk)
        try:
            self.act(request, work_order, **kwargs)
        except ValidationError as exc:
            fields = exc.extra.get("fields") or {}
            problems = [m for ms in fields.values() for m in ms] or [exc.message]
            messages.error(request, " ".join(str(p) for p in problems))
        else:
            messages.success(request, str(self.done_message))
        return redirect(self.url("detail", work_order.pk))


def _form_refused(form: Any) -> ValidationError:
    return ValidationError(
        _("Please correct the errors below."),
        extra={"fields": {name: list(errors) for name, errors in form.errors.items()}},
    )


class OperationAddView(_DetailAction):
    done_message = _lazy("Operation added.")

    def act(self, request: HttpRequest, work_order: Any, **kwargs: Any) -> None:
        form = OperationForm(request.POST)
        if not form.is_valid():
            raise _form_refused(form)
        operation_add(
            membership=request.membership,  # type: ignore[attr-defined]
            work_order=work_order,
            **form.cleaned_data,
        )


class OperationWorkView(_DetailAction):
    """Tick an operation done (or not) and record its actual hours."""

    done_message = _lazy("Operation saved.")

    def act(self, request: HttpRequest, work_order: Any, **kwargs: Any) -> None:
        operation = operation_get_for(work_order=work_order, pk=kwargs["operation_pk"])
        form = OperationWorkForm(request.POST)
        if not form.is_valid():
            raise _form_refused(form)
        changes = {"done": form.cleaned_data["done"]}
        if form.cleaned_data["actual_hours"] is not None:
            changes["actual_hours"] = form.cleaned_data["actual_hours"]
        operation_update(
            membership=request.membership,  # type: ignore[attr-defined]
            work_order=work_order,
            operation=operation,
            **changes,
        )


class PartIssueView(_DetailAction):
    done_message = _lazy("Parts issued from stock.")

    def act(self, request: HttpRequest, work_order: Any, **kwargs: Any) -> None:
        membership = request.membership  # type: ignore[attr-defined]
        form = PartForm(request.POST, membership=membership)
        if not form.is_valid():
            raise _form_refused(form)
        part_issue(membership=membership, work_order=work_order, **form.cleaned_data)


class BitAddView(_DetailAction):
    done_message = _lazy("Drill bit added.")

    def act(self, request: HttpRequest, work_order: Any, **kwargs: Any) -> None:
        bit_add(
            membership=request.membership,  # type: ignore[attr-defined]
            work_order=work_order,
            drillbit=request.POST.get("drillbit", ""),
        )


class BitRemoveView(_DetailAction):
    done_message = _lazy("Drill bit taken off the work order.")

    def act(self, request: HttpRequest, work_order: Any, **kwargs: Any) -> None:
        bit_remove(
            membership=request.membership,  # type: ignore[attr-defined]
            work_order=work_order,
            drillbit=kwargs["bit_pk"],
        )


class PlanningBoard(PageView):
    """The week's planned and released work orders per assignee and day, with the hours
    left against each day's capacity; a card dragged (or its date changed) onto another day
    reschedules it."""

    http_method_names: ClassVar[list[str]] = ["get"]  # type: ignore[misc]

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, VIEW)
        try:
            day = dt.date.fromisoformat(request.GET.get("week", ""))
        except ValueError:
            day = timezone.localdate()
        week = planning_week(membership=membership, day=day)
        monday = week["monday"]
        return render(
            request,
            "workorders/planning.html",
            {
                **self.base_context(),
                **week,
                "may_move": policy.can(membership, CHANGE),
                "previous_week": (monday - dt.timedelta(days=7)).isoformat(),
                "next_week": (monday + dt.timedelta(days=7)).isoformat(),
                "today": timezone.localdate(),
            },
        )


class RescheduleView(_DetailAction):
    """A new planned start for a work order (the planning board's drag, or its date field)."""

    done_message = _lazy("Work order rescheduled.")

    def act(self, request: HttpRequest, work_order: Any, **kwargs: Any) -> None:
        try:
            day = dt.date.fromisoformat(request.POST.get("planned_start", ""))
        except ValueError:
            raise ValidationError(
                _("Enter a date."), extra={"fields": {"planned_start": [_("Enter a date.")]}}
            ) from None
        workorder_update(
            membership=request.membership,  # type: ignore[attr-defined]
            workorder=work_order,
            planned_start=day,
        )

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        response = super().post(request, pk, **kwargs)
        back = request.POST.get("week", "")
        if back:
            return redirect(f"{reverse('workorders:workorder_planning')}?week={back}")
        return response


class WorkOrderPages(Pages):
    entity = WORK_ORDERS
    form_class = WorkOrderForm
    detail_view = WorkOrderDetail
    lists = (
        ListPage(
            "workorder_list",
            "",
            codename=VIEW,
            heading=_lazy("Work orders"),
            empty_title=_lazy("No work orders yet."),
            empty_text=_lazy("Repairs, inspections and rebuilds show up here."),
            icon="tools",
            sort_choices=SORT_CHOICES,
            views=(
                (_lazy("In progress"), "state=in_progress"),
                (_lazy("Released"), "state=released"),
                (_lazy("Overdue"), "overdue=true"),
            ),
        ),
        ListPage(
            "workorder_mine",
            "mine/",
            codename=VIEW,
            heading=_lazy("My work orders"),
            scope=lambda orders, membership: workorder_filter_mine(orders, membership),
            empty_title=_lazy("No work orders are assigned to you."),
            icon="person-workspace",
            sort_choices=SORT_CHOICES,
        ),
    )

    @classmethod
    def urls(cls) -> list[URLPattern]:
        return [
            *super().urls(),
            path(
                "<int:pk>/operations/",
                OperationAddView.as_view(pages=cls),
                name="workorder_operation_add",
            ),
            path(
                "<int:pk>/operations/<int:operation_pk>/",
                OperationWorkView.as_view(pages=cls),
                name="workorder_operation_work",
            ),
            path("<int:pk>/parts/", PartIssueView.as_view(pages=cls), name="workorder_part_issue"),
            path("<int:pk>/bits/", BitAddView.as_view(pages=cls), name="workorder_bit_add"),
            path(
                "<int:pk>/bits/<int:bit_pk>/remove/",
                BitRemoveView.as_view(pages=cls),
                name="workorder_bit_remove",
            ),
            path("planning/", PlanningBoard.as_view(pages=cls), name="workorder_planning"),
            path(
                "<int:pk>/reschedule/",
                RescheduleView.as_view(pages=cls),
                name="workorder_reschedule",
            ),
        ]


def workorder_dashboard_counts(membership: Any) -> list[tuple[object, int, str | None]]:
    """The dashboard's work-order card: how many in each open state, overdue, and completed
    in each of the last four weeks (cached per tenant version and scope)."""
    counts = counts_cached(
        "workorders.workorder:counts",
        membership,
        VIEW,
        lambda: workorder_counts(membership=membership),
    )
    shown = reverse("workorders:workorder_list")
    answer: list[tuple[object, int, str | None]] = []
    for state in WorkOrderState:
        n = counts["by_state"].get(state.value, 0)
        if n and state not in (WorkOrderState.COMPLETED, WorkOrderState.CANCELLED):
            answer.append((state.label, n, f"{shown}?state={state.value}"))
    answer.append((_lazy("Overdue"), counts["overdue"], f"{shown}?overdue=true"))
    for week, n in counts["per_week"]:
        monday = date_format(dt.date.fromisoformat(week), "SHORT_DATE_FORMAT")
        answer.append((_("Completed in the week of %(date)s") % {"date": monday}, n, None))
    return answer


__all__ = ["WorkOrderPages", "workorder_dashboard_counts"]
