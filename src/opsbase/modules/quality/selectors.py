"""Reads of NCRs: their row specification, lists scoped to the caller's tenant, their
dispositions, the dashboard's counts, and the guards of their workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import (
    Choice,
    DateTime,
    LongText,
    Number,
    Person,
    Rank,
    RowSpec,
    State,
    Text,
)
from opsbase.kit.selectors import record_get_for, record_list

from .constants import (
    OPEN_STATES,
    RESULT_BADGES,
    SEVERITY_BADGES,
    SEVERITY_RANK,
    STATE_BADGES,
    VIEW,
    VIEW_INSPECTION,
    DispositionKind,
    InspectionResult,
    NcrState,
    Severity,
)
from .models import Disposition, Inspection, Ncr

NCR_ROWS = RowSpec(
    Ncr,
    columns=[
        Number("id", table=False, detail=False),
        Text("number", testid="number"),
        Text("title", link=True, detail=False),
        Choice("severity", badges=SEVERITY_BADGES, label_key="severity_label"),
        State("state", badges=STATE_BADGES, label_key="state_label"),
        Person("raised_by", email_key="raised_by_email"),
        Number("drill_bit", source="drill_bit_id", table=False, detail=False),
        Text(
            "drill_bit_serial",
            _lazy("Drill bit"),
            source="drill_bit__serial_number",
            hide_empty=True,
        ),
        Number("work_order", source="work_order_id", table=False, detail=False),
        Text(
            "work_order_number", _lazy("Work order"), source="work_order__number", hide_empty=True
        ),
        Number("item", source="item_id", table=False, detail=False),
        Text("item_sku", _lazy("Item"), source="item__sku", table=False, hide_empty=True),
        Number("location", source="location_id", table=False, detail=False),
        Text(
            "location_code",
            _lazy("Location"),
            source="location__code",
            table=False,
            hide_empty=True,
        ),
        Text("subject_text", table=False, hide_empty=True),
        Number("quantity_inspected", table=False),
        Number("quantity_nonconforming", table=False),
        LongText("description"),
        LongText("why_1", table=False, csv=False, detail=False),
        LongText("why_2", table=False, csv=False, detail=False),
        LongText("why_3", table=False, csv=False, detail=False),
        LongText("why_4", table=False, csv=False, detail=False),
        LongText("why_5", table=False, csv=False, detail=False),
        LongText("containment"),
        LongText("corrective_action"),
        Number("corrective_task", source="corrective_task_id", table=False, detail=False),
        DateTime("closed_at", table=False, hide_empty=True),
        DateTime("created_at", table_label=_lazy("Raised")),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "created_at": "created_at",
        "updated_at": "updated_at",
        "number": "number",
        "severity": Rank("severity", SEVERITY_RANK),
        "state": Rank("state"),
    },
    default_sort="-created_at",
)
RELATED = ("raised_by__user", "drill_bit", "work_order", "item", "location")


def ncr_list(*, membership: Membership) -> QuerySet[Ncr]:
    """The NCRs of *membership*'s organization, newest first."""
    ncrs = record_list(Ncr, membership=membership, codename=VIEW, related=RELATED)
    return NCR_ROWS.order(ncrs, [NCR_ROWS.default_sort])


def ncr_get_for(*, membership: Membership, pk: int | str) -> Ncr:
    """NCR *pk* of *membership*'s organization (``NotFound`` for any other)."""
    return record_get_for(Ncr, membership=membership, pk=pk, codename=VIEW, related=RELATED)


def disposition_list(*, ncr: Ncr) -> QuerySet[Disposition]:
    """The dispositions of *ncr* (already checked visible), oldest first, with what they did."""
    return (
        Disposition.objects.for_tenant(ncr.tenant_id)
        .filter(ncr_id=ncr.pk)
        .select_related("approver__user", "work_order", "movement", "recorded_by")
        .order_by("pk")
    )


def disposition_data(disposition: Disposition) -> dict[str, Any]:
    """One disposition as the API answers it."""
    approver = disposition.approver
    order = disposition.work_order
    return {
        "id": disposition.pk,
        "kind": disposition.kind,
        "kind_label": str(disposition.get_kind_display()),
        "quantity": None if disposition.quantity is None else str(disposition.quantity),
        "notes": disposition.notes,
        "approver": None if approver is None else approver.pk,
        "approver_email": None if approver is None else approver.user.email,
        "work_order": None if order is None else order.pk,
        "work_order_number": None if order is None else order.number,
        "movement": disposition.movement_id,
        "created_at": disposition.created_at.isoformat().replace("+00:00", "Z"),
    }


# -- guards of the workflow -------------------------------------------------------------------


def ncr_disposition_blocker(ncr: Ncr, membership: Membership) -> str | None:
    """Leaving the investigation needs a root cause: at least the first why."""
    if not (ncr.why_1 or "").strip():
        return _("Investigating needs a root cause before Disposition (give the first why).")
    return None


def ncr_close_blocker(ncr: Ncr, membership: Membership) -> str | None:
    """Closing needs a disposition, and every rework order it created completed."""
    dispositions = list(
        Disposition.objects.for_tenant(ncr.tenant_id)
        .filter(ncr_id=ncr.pk)
        .select_related("work_order")
    )
    if not dispositions:
        return _("Closing needs a disposition.")
    for disposition in dispositions:
        order = disposition.work_order
        if disposition.kind != DispositionKind.REWORK or order is None:
            continue
        if order.state != "completed":
            return _("Closing needs the rework order %(number)s completed.") % {
                "number": order.number
            }
    return None


# -- dashboard --------------------------------------------------------------------------------

AGE_BANDS = ((7, _lazy("under a week")), (30, _lazy("1 to 4 weeks")), (None, _lazy("older")))


def ncr_open_counts(*, membership: Membership) -> dict[str, Any]:
    """Open NCRs of the organization by severity, and by age (days since raised)."""
    rows = list(
        Ncr.objects.for_tenant(membership.tenant_id)
        .filter(state__in=OPEN_STATES)
        .values_list("severity", "created_at")
    )
    today = timezone.now()
    by_severity = {str(s): 0 for s in Severity}
    by_age = [0 for _band in AGE_BANDS]
    for severity, created in rows:
        by_severity[severity] = by_severity.get(severity, 0) + 1
        age = (today - created) / dt.timedelta(days=1)
        for index, (limit, _label) in enumerate(AGE_BANDS):
            if limit is None or age < limit:
                by_age[index] += 1
                break
    return {"by_severity": by_severity, "by_age": by_age}


# -- inspections ------------------------------------------------------------------------------

INSPECTION_ROWS = RowSpec(
    Inspection,
    columns=[
        Number("id", table=False, detail=False),
        Text("number", link=True, testid="number"),
        Choice("result", badges=RESULT_BADGES, label_key="result_label"),
        Text("form_name", _lazy("Form"), source="form_version__name"),
        Number("form_version", source="form_version_id", table=False, detail=False),
        Number(
            "form_version_number",
            source="form_version__number",
            table=False,
            label=_lazy("Version"),
        ),
        Number("drill_bit", source="drill_bit_id", table=False, detail=False),
        Text(
            "drill_bit_serial",
            _lazy("Drill bit"),
            source="drill_bit__serial_number",
            hide_empty=True,
        ),
        Number("work_order", source="work_order_id", table=False, detail=False),
        Text(
            "work_order_number", _lazy("Work order"), source="work_order__number", hide_empty=True
        ),
        Number("item", source="item_id", table=False, detail=False),
        Text("item_sku", _lazy("Received item"), source="item__sku", hide_empty=True),
        Number("location", source="location_id", table=False, detail=False),
        Text(
            "location_code",
            _lazy("Location"),
            source="location__code",
            table=False,
            hide_empty=True,
        ),
        Person("inspector", email_key="inspector_email"),
        DateTime("inspected_at"),
        Number("submission", source="submission_id", table=False, detail=False),
        Number("ncr", source="ncr_id", table=False, detail=False),
        Text("ncr_number", _lazy("NCR raised"), source="ncr__number", hide_empty=True),
        LongText("notes"),
        DateTime("created_at", table=False, csv=False, detail=False),
    ],
    sorts={
        "inspected_at": "inspected_at",
        "number": "number",
        "result": "result",
    },
    default_sort="-inspected_at",
)
INSPECTION_RELATED = (
    "inspector__user",
    "drill_bit",
    "work_order",
    "item",
    "location",
    "form_version",
    "ncr",
)


def inspection_list(*, membership: Membership) -> QuerySet[Inspection]:
    """The inspections of *membership*'s organization, latest first."""
    inspections = record_list(
        Inspection, membership=membership, codename=VIEW_INSPECTION, related=INSPECTION_RELATED
    )
    return INSPECTION_ROWS.order(inspections, [INSPECTION_ROWS.default_sort])


def inspection_get_for(*, membership: Membership, pk: int | str) -> Inspection:
    """Inspection *pk* of *membership*'s organization (``NotFound`` for any other)."""
    return record_get_for(
        Inspection,
        membership=membership,
        pk=pk,
        codename=VIEW_INSPECTION,
        related=(*INSPECTION_RELATED, "submission"),
    )


def inspections_of_workorder(*, work_order: Any) -> QuerySet[Inspection]:
    """The inspections of *work_order* (already checked visible), latest first."""
    return (
        Inspection.objects.for_tenant(work_order.tenant_id)
        .filter(work_order_id=work_order.pk)
        .select_related("ncr")
        .order_by("-inspected_at", "-pk")
    )


def workorder_completion_blocker(*, membership: Membership, work_order: Any) -> str | None:
    """Why *work_order* cannot leave QC, or None: its latest inspection failed and no NCR
    raised from it has a disposition (an order never inspected completes as before). Offered
    to the work orders module as the hook ``quality.workorder_completion_blocker``."""
    latest = inspections_of_workorder(work_order=work_order).first()
    if latest is None or latest.result == InspectionResult.PASSED:
        return None
    names = {"order": work_order.number, "inspection": latest.number}
    if latest.ncr is None:
        return (
            _(
                "%(order)s cannot be completed: its inspection %(inspection)s failed. Inspect it "
                "again, or raise an NCR from the inspection and record a disposition."
            )
            % names
        )
    if latest.ncr.state == NcrState.CANCELLED:
        return _(
            "%(order)s cannot be completed: the NCR %(ncr)s raised from its failed inspection "
            "%(inspection)s was cancelled."
        ) % {**names, "ncr": latest.ncr.number}
    has_disposition = (
        Disposition.objects.for_tenant(work_order.tenant_id).filter(ncr_id=latest.ncr.pk).exists()
    )
    if not has_disposition:
        return _(
            "%(order)s cannot be completed: the NCR %(ncr)s raised from its failed inspection "
            "%(inspection)s has no disposition yet."
        ) % {**names, "ncr": latest.ncr.number}
    return None


def inspection_counts(*, membership: Membership) -> dict[str, int]:
    """Inspections of the organization by result, and the failed ones no NCR covers."""
    inspections = Inspection.objects.for_tenant(membership.tenant_id)
    by_result = dict(
        inspections.order_by()
        .values_list("result")
        .annotate(n=Count("pk"))
        .values_list("result", "n")
    )
    return {
        "passed": by_result.get(InspectionResult.PASSED, 0),
        "failed": by_result.get(InspectionResult.FAILED, 0),
        "failed_open": inspections.filter(result=InspectionResult.FAILED, ncr__isnull=True).count(),
    }


__all__ = ["INSPECTION_ROWS", "NCR_ROWS", "NcrState", "ncr_get_for", "ncr_list"]
