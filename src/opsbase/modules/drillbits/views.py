"""Drill bit pages: the kit's list, detail (with runs, time in state and the QR code), form
and delete pages, the printable labels, and the scan page a QR label opens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.kernel.policy import policy
from opsbase.kernel.workflows import state_durations, transitions_available, workflow_of
from opsbase.kit.actions import actions_at
from opsbase.kit.caching import counts_cached
from opsbase.kit.rows import RowFormat
from opsbase.kit.views import ListPage, Pages, RecordDetailView
from opsbase.web.decorators import membership_required, permission_required

from .constants import RECORD_RUN, VIEW, BitState
from .entity import DRILLBITS
from .forms import BitRunForm, DrillBitForm, LabelForm, TransitionForm
from .labels import labels_pdf, labels_svg, qr_svg
from .models import DrillBit
from .selectors import (
    BITRUN_ROWS,
    bitrun_list,
    drillbit_get_by_scan_code,
    drillbit_get_for,
    drillbit_list,
    drillbit_list_by_ids,
    drillbit_longest_in_field,
    drillbit_state_counts,
)
from .services import bitrun_create, drillbit_transition

#: The most labels one request prints (a PDF of 20 A4 sheets).
MAX_LABELS = 480

SORT_CHOICES = (
    ("serial_number", gettext_lazy("Serial number")),
    ("status", gettext_lazy("Status")),
    ("size", gettext_lazy("Smallest first")),
    ("-size", gettext_lazy("Largest first")),
    ("state_entered_at", gettext_lazy("Longest in status")),
    ("-created_at", gettext_lazy("Newest first")),
)


def scan_url(request: HttpRequest, bit: DrillBit) -> str:
    """The absolute URL a bit's QR label carries."""
    return request.build_absolute_uri(reverse("drillbit_scan", args=[bit.scan_code]))


def _duration_text(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    hours = rest // 3600
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    minutes = (rest % 3600) // 60
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}


class DrillBitDetail(RecordDetailView):
    """The kit's record page, with the bit's runs, its time in each state and its QR code."""

    def context(self, obj: Any) -> dict[str, Any]:
        context = super().context(obj)
        membership = self.request.membership  # type: ignore[attr-defined]
        labels = dict(workflow_of(DrillBit).states.choices)
        fmt = RowFormat(BITRUN_ROWS, membership=membership)
        runs = [
            {
                **row,
                "footage": BITRUN_ROWS.column("footage").value_for(row, fmt),
                "dull_grade": BITRUN_ROWS.column("dull_grade").value_for(row, fmt),
            }
            for row in BITRUN_ROWS.rows(bitrun_list(membership=membership, drillbit=obj))
        ]
        context.update(
            runs=runs,
            durations=[
                {"state": labels.get(state, state), "time": _duration_text(spent.total_seconds())}
                for state, spent in state_durations(obj).items()
            ],
            qr_url=reverse("drillbits:drillbit_qr", args=[obj.pk]),
            label_url=reverse("drillbits:drillbit_labels") + f"?pk={obj.pk}&layout=roll",
            scan_url=scan_url(self.request, obj),
            scan_path=reverse("drillbit_scan", args=[obj.scan_code]),
            may_record_run=policy.can(membership, RECORD_RUN, obj),
            run_url=reverse("drillbits:bitrun_create", args=[obj.pk]),
        )
        return context


class DrillBitPages(Pages):
    entity = DRILLBITS
    form_class = DrillBitForm
    detail_view = DrillBitDetail
    lists = (
        ListPage(
            "drillbit_list",
            "",
            codename=VIEW,
            heading=gettext_lazy("Drill bits"),
            empty_title=gettext_lazy("No drill bits yet."),
            empty_text=gettext_lazy("Serialized bits, from delivery to the field and back."),
            icon="nut",
            sort_choices=SORT_CHOICES,
            views=(
                (gettext_lazy("In stock"), "status=in_stock"),
                (gettext_lazy("In the field"), "status=in_field&sort=state_entered_at"),
                (gettext_lazy("Returned"), "status=returned"),
            ),
        ),
    )
    import_fields = ("serial_number", "bit_type", "size", "design", "iadc_code", "location")


@permission_required(VIEW)
def drillbit_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The bit's QR code (its scan URL) as an SVG image."""
    bit = drillbit_get_for(membership=request.membership, pk=pk)  # type: ignore[attr-defined]
    response = HttpResponse(qr_svg(scan_url(request, bit)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@permission_required(VIEW)
def drillbit_labels(request: HttpRequest) -> HttpResponse:
    """Labels of the chosen bits (``?pk=1&pk=2&layout=a4|roll|svg``) as a PDF or SVG file;
    without a choice, the page to make one."""
    membership = request.membership  # type: ignore[attr-defined]
    if "pk" not in request.GET:
        bits = drillbit_list(membership=membership)
        status = request.GET.get("status", "")
        if status in BitState.values:
            bits = bits.filter(status=status)
        form = LabelForm(bits=bits)
        context = {"form": form, "bits": bits, "states": BitState.choices}
        return render(request, "drillbits/labels.html", context)
    ids = [int(v) for v in request.GET.getlist("pk")[:MAX_LABELS] if v.isdigit() and len(v) < 18]
    chosen = list(drillbit_list_by_ids(membership=membership, ids=ids))
    form = LabelForm(request.GET, bits=chosen)
    if not chosen or not form.is_valid():
        context = {
            "form": form,
            "bits": drillbit_list(membership=membership),
            "states": BitState.choices,
        }
        return render(request, "drillbits/labels.html", context, status=400)
    layout = form.cleaned_data["layout"]
    chosen = [b for b in chosen if b.pk in set(form.cleaned_data["pk"])]
    name = "drill-bit-labels" if len(chosen) > 1 else f"label-{chosen[0].pk}"
    if layout == "svg":
        response = HttpResponse(
            labels_svg(chosen, lambda b: scan_url(request, b)), content_type="image/svg+xml"
        )
        response["Content-Disposition"] = f'inline; filename="{name}.svg"'
        return response
    pdf = labels_pdf(chosen, lambda b: scan_url(request, b), layout=layout)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@permission_required(RECORD_RUN)
@require_http_methods(["GET", "POST"])
def bitrun_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the next run of a bit: its well, depths, hours and dull grade."""
    membership = request.membership  # type: ignore[attr-defined]
    bit = drillbit_get_for(membership=membership, pk=pk)
    policy.require(membership, RECORD_RUN, bit)
    form = BitRunForm(request.POST or None, membership=membership)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                run = bitrun_create(membership=membership, drillbit=bit, **data)
            except ValidationError as exc:
                for name, errors in (exc.extra.get("fields") or {}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Run %(number)s recorded.") % {"number": run.number})
                return redirect("drillbits:drillbit_detail", pk=bit.pk)
        status = 400
    context = {
        "form": form,
        "bit": bit,
        "cancel_url": reverse("drillbits:drillbit_detail", args=[bit.pk]),
    }
    return render(request, "drillbits/bitrun_form.html", context, status=status)


@membership_required
@require_http_methods(["GET", "POST"])
def drillbit_scan(request: HttpRequest, code: str) -> HttpResponse:
    """What a QR label opens: the bit, and the moves the scanner's role allows, as large
    buttons. An unknown code and another organization's answer 404 alike."""
    membership = request.membership  # type: ignore[attr-defined]
    bit = drillbit_get_by_scan_code(membership=membership, code=code)
    if request.method == "POST":
        form = TransitionForm(request.POST)
        if form.is_valid():
            try:
                drillbit_transition(
                    membership=membership,
                    drillbit=bit,
                    transition=form.cleaned_data["transition"],
                    reason=form.cleaned_data["reason"],
                )
            except (InvalidTransition, ValidationError) as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("%(serial)s is now %(state)s.")
                    % {"serial": bit.serial_number, "state": bit.get_status_display()},
                )
        return redirect("drillbit_scan", code=code)
    options = [o for o in transitions_available(membership=membership, obj=bit) if o.allowed]
    context = {
        "bit": bit,
        "moves": options,
        "state_badge": DRILLBITS.rows.column("status").badge(bit.status),
        "detail_url": reverse("drillbits:drillbit_detail", args=[bit.pk]),
        # What other installed modules offer here (quality: inspect this bit).
        "actions": actions_at("drillbits.scan", membership=membership, obj=bit),
    }
    return render(request, "drillbits/scan.html", context)


def drillbit_dashboard_counts(membership: Any) -> list[tuple[object, int, str | None]]:
    """The dashboard's bits by state (cached per tenant version and scope)."""
    counts = counts_cached(
        "drillbits.drillbit:counts",
        membership,
        VIEW,
        lambda: drillbit_state_counts(membership=membership),
    )
    shown = reverse("drillbits:drillbit_list")
    labels = dict(BitState.choices)
    return [(labels[state], counts[state], f"{shown}?status={state}") for state in counts]


def drillbit_dashboard_field(membership: Any) -> list[tuple[object, int, str | None]]:
    """The bits in the field the longest: serial number and site, and the days out."""
    rows = counts_cached(
        "drillbits.drillbit:field",
        membership,
        VIEW,
        lambda: drillbit_longest_in_field(membership=membership),
    )
    return [
        (
            _("%(serial)s at %(site)s (days)") % {"serial": r["serial_number"], "site": r["site"]}
            if r["site"]
            else _("%(serial)s (days)") % {"serial": r["serial_number"]},
            r["days"],
            reverse("drillbits:drillbit_detail", args=[r["pk"]]),
        )
        for r in rows
    ]
