"""The audit log pages: a filtered list, its CSV export, and one event's changes."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from opsbase.web.csv import csv_lines
from opsbase.web.decorators import membership_required, permission_required
from opsbase.web.querystring import page_size, query_with

from .filters import AuditEventFilter
from .models import AuditAction
from .selectors import VIEW, audit_event_get, audit_event_list

CSV_COLUMNS = (
    "time",
    "seq",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target",
    "changes",
    "request_id",
    "ip",
    "user_agent",
)


def _filtered(request):
    """The filter set of this request and the events it lets through (none when invalid)."""
    events = audit_event_list(membership=request.membership)
    filterset = AuditEventFilter(request.GET or None, queryset=events, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, events.none()
    return filterset, filterset.qs


@permission_required(VIEW)
def event_list(request):
    if request.GET.get("format") == "csv":
        return _csv_response(request)
    filterset, events = _filtered(request)
    page = Paginator(events, page_size(request.GET)).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "events": page.object_list,
        "actions": AuditAction.choices,
        "previous_url": query_with(request.GET, page=page.previous_page_number())
        if page.has_previous()
        else "",
        "next_url": query_with(request.GET, page=page.next_page_number())
        if page.has_next()
        else "",
        "export_url": query_with(request.GET, page=None, format="csv"),
    }
    return render(request, "audit/event_list.html", context)


@permission_required(VIEW)
def event_export(request):
    return _csv_response(request)


def _csv_values(events):
    for event in events.iterator(chunk_size=1000):
        yield (
            event.created_at.isoformat(),
            event.seq,
            event.actor_label,
            event.action,
            event.target_type,
            event.target_id,
            event.target_label,
            json.dumps(event.changes, sort_keys=True, ensure_ascii=False),
            event.request_id,
            event.ip,
            event.user_agent,
        )


def _csv_response(request):
    _filterset, events = _filtered(request)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        csv_lines(CSV_COLUMNS, _csv_values(events)), content_type="text/csv; charset=utf-8"
    )
    filename = f"audit-{request.membership.tenant.slug}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@membership_required
def event_detail(request, pk: int):
    event = audit_event_get(membership=request.membership, pk=pk)
    changes = [
        {"field": name, "old": values.get("old"), "new": values.get("new")}
        for name, values in sorted((event.changes or {}).items())
        if isinstance(values, dict)
    ]
    return render(request, "audit/event_detail.html", {"event": event, "changes": changes})
