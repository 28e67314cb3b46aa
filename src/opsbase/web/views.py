"""The dashboard and the themed error pages (``handler400/403/404/500`` point here)."""

from __future__ import annotations

import json
import logging
import sys
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException, NotFound, ParseError

from opsbase.conf import setting
from opsbase.core.cache import versioned_key
from opsbase.core.writes import BUSY_RETRY_AFTER, is_database_busy

from . import dashboard
from .csv import csv_lines, csv_response
from .decorators import membership_required
from .forms import DashboardRangeForm
from .page_cache import cached_page, page_shell_parts

logger = logging.getLogger(__name__)

_BARE_500 = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Server error</title></head>"
    "<body><h1>Server error (500)</h1><p>Something went wrong. Try again in a moment.</p>"
    "</body></html>"
)


@membership_required
def home(request):
    """The analytics dashboard of the active membership, for the period its GET parameters
    ask for (``range`` 7/30/90 or ``custom`` with ``start`` and ``end``; 400 with the fields'
    errors, and the default period shown, when they are wrong). Every figure is cached per
    tenant version; the whole page too (per period and shell) when all its cards allow it."""
    membership = request.membership
    form = DashboardRangeForm(request.GET if request.GET else None)
    if form.is_bound and not form.is_valid():
        context = _home_context(request, form, form.period())
        return render(request, "opsbase/home.html", context, status=400)
    period = form.period()
    shell = page_shell_parts(request)
    key = None
    if shell is not None and dashboard.cards_versioned(membership):
        key = versioned_key("page:home", membership.tenant_id, *shell, period.query())
    return cached_page(
        request, key, "opsbase/home.html", lambda: _home_context(request, form, period)
    )


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _home_context(request, form, period) -> dict:
    membership = request.membership
    query = period.query()
    charts = []
    for chart in dashboard.charts_visible(membership):
        data = dashboard.chart_data(membership, chart, period)
        charts.append(
            {
                "chart": chart,
                "data": data,
                "rows": list(zip(data.labels, *[s.values for s in data.series], strict=False)),
                "spec": json.dumps(
                    {
                        "kind": chart.kind,
                        "labels": [str(label) for label in data.labels],
                        "series": [
                            {"label": str(s.label), "values": [_number(v) for v in s.values]}
                            for s in data.series
                        ],
                        "unit": data.unit,
                    }
                ),
                "csv_url": reverse("web:chart_csv", args=[chart.key]) + f"?{query}",
            }
        )
    presets = [
        {
            "days": days,
            "active": period.preset == str(days),
            "url": "?" + urlencode({"range": days}),
        }
        for days in setting("DASHBOARD_RANGES")
    ]
    previous = period.previous()
    return {
        "form": form,
        "period": period,
        "previous": previous,
        "presets": presets,
        "custom": period.preset == "custom" or bool(form.errors),
        "kpis": dashboard.kpis_for(membership, period),
        "charts": charts,
        "cards": dashboard.cards_for(membership),
        "quick_create": dashboard.quick_create_for(membership),
    }


@membership_required
def chart_csv(request, key: str):
    """The data of the dashboard's chart *key* for the period asked for, as CSV (403 for a
    role that does not see the chart, 404 for no such chart)."""
    membership = request.membership
    chart = dashboard.chart_get(membership, key)
    if chart is None:
        if key in dashboard.charts_registered():
            raise DjangoPermissionDenied(_("Your role does not show this chart."))
        raise Http404
    form = DashboardRangeForm(request.GET if request.GET else None)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    period = form.period()
    data = dashboard.chart_data(membership, chart, period)
    header, rows = dashboard.chart_csv_rows(chart, data)
    name = f"{chart.key}-{period.start.isoformat()}-{period.end.isoformat()}"
    return csv_response(name, csv_lines(header, rows))


def _error_context() -> dict:
    try:
        home_url = reverse("web:home")
    except NoReverseMatch:
        home_url = "/"
    return {"home_url": home_url, "site_name": setting("SITE_NAME")}


def _api_error(request, exc_class):
    """The API's JSON error for a request to the API, else None (the themed page)."""
    from opsbase.api.errors import is_api_request, json_error_response

    return json_error_response(exc_class()) if is_api_request(request) else None


def bad_request(request, exception=None):
    if api := _api_error(request, ParseError):
        return api
    return render(request, "opsbase/errors/400.html", _error_context(), status=400)


def permission_denied(request, exception=None):
    """403 with the policy's reason (``PermissionDenied.message``) when there is one."""
    reason = getattr(exception, "message", None) or (str(exception) if exception else "")
    context = {**_error_context(), "reason": reason}
    return render(request, "opsbase/errors/403.html", context, status=403)


def page_not_found(request, exception=None):
    if api := _api_error(request, NotFound):
        return api
    return render(request, "opsbase/errors/404.html", _error_context(), status=404)


def conflict(request, exception=None):
    """409: the record cannot take this change as it is now, with the reason."""
    reason = getattr(exception, "message", None) or ""
    context = {**_error_context(), "reason": reason}
    return render(request, "opsbase/errors/409.html", context, status=409)


def database_busy(request, exception=None):
    """503 with ``Retry-After``: SQLite stayed busy through the write's retries
    (``opsbase.core.writes``). Nothing was written; the same request may simply be sent again.
    One answer for pages and the API (in the API's error shape)."""
    from opsbase.api.errors import ApiError, is_api_request, json_error_response

    if is_api_request(request):
        response = json_error_response(
            ApiError(
                _("The database is busy; nothing was changed. Try again in a moment."),
                code="database_busy",
                status_code=503,
                details={"retry_after": BUSY_RETRY_AFTER},
            )
        )
    else:
        response = render(request, "opsbase/errors/503.html", _error_context(), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def server_error(request):
    """500 page rendered without the request: whatever broke must not break this too.

    A busy SQLite database that a middleware met (a session saved after the view) is no
    server error: it is answered as the view's own would be (``database_busy``)."""
    if is_database_busy(sys.exc_info()[1] or Exception()):
        try:
            return database_busy(request)
        except Exception:
            logger.exception("The busy answer failed; answering with the 500 page.")
    try:
        if api := _api_error(request, APIException):
            return api
    except Exception:
        logger.exception("The API's 500 answer failed; answering with the page.")
    try:
        context = _error_context()
    except Exception:  # the settings or URLconf may be what is broken
        context = {}
    try:
        body = loader.get_template("opsbase/errors/500.html").render(context)
    except Exception:
        logger.exception("The 500 page could not be rendered; answering with plain HTML.")
        body = _BARE_500
    return HttpResponseServerError(body)
