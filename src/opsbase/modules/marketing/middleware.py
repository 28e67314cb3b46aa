"""UTM capture: a landing visit's UTM parameters and click ids are kept in the visitor's
session (the first touch once, the last touch each time), and the request is made known to
the lead-creation listener (``attribution``) for the time it runs.

Added to ``MIDDLEWARE`` by the module's declaration (``MarketingConfig.middleware``). A
request without those parameters costs nothing: the session is neither read nor written."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .constants import SESSION_KEY, TOUCH_FIELDS, TOUCH_LENGTHS

#: The request being answered (the listener reads its session only when a lead is made).
current_request: ContextVar[HttpRequest | None] = ContextVar(
    "opsbase_marketing_request", default=None
)


def touch_of(request: HttpRequest) -> dict[str, str] | None:
    """The touch a request's query carries (its UTM parameters and click ids, the page and
    the referring site), or None when it carries none."""
    values = {
        name: request.GET.get(name, "").strip()[: TOUCH_LENGTHS[name]] for name in TOUCH_FIELDS
    }
    values = {name: value for name, value in values.items() if value}
    if not values:
        return None
    values["landing"] = request.path[:500]
    referrer = request.META.get("HTTP_REFERER", "")[:500]
    if referrer:
        values["referrer"] = referrer
    values["at"] = timezone.now().isoformat()
    return values


def touches_of(request: HttpRequest | None) -> dict[str, dict[str, str]]:
    """The session's ``{"first": touch, "last": touch}`` (empty for none, or no session)."""
    session = getattr(request, "session", None)
    if session is None:
        return {}
    stored = session.get(SESSION_KEY)
    return stored if isinstance(stored, dict) else {}


class UtmCaptureMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if request.method == "GET" and hasattr(request, "session"):
            touch = touch_of(request)
            if touch is not None:
                stored = dict(touches_of(request))
                stored.setdefault("first", touch)
                stored["last"] = touch
                request.session[SESSION_KEY] = stored
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
