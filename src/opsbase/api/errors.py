"""One JSON shape for every API error, whatever raised it::

    {"error": {"code": "validation_error",
               "message": "Please correct the errors below.",
               "fields": {"name": ["This field is required."]},   # validation errors only
               "details": {"allowed": ["close"]},                  # when there are any
               "request_id": "..."}}                               # when one is known

DRF's exceptions, Django's ``Http404`` / ``PermissionDenied`` / ``ValidationError`` and the
OpsBase errors of ``opsbase.core.exceptions`` raised by selectors and services are all
answered here; anything else is a server error (500) and is left to Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from opsbase.core import exceptions as opsbase
from opsbase.core.context import current_request_id

VALIDATION_MESSAGE = _("Please correct the errors below.")


class ApiError(exceptions.APIException):
    """An API error with its own status, code and structured details."""

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        if status_code is not None:
            self.status_code = status_code
        self.details = dict(details or {})
        super().__init__(message, code)


class FieldsError(exceptions.ValidationError):
    """A validation error that also carries a summary message."""

    def __init__(self, fields: Mapping[str, Any], message: Any = None) -> None:
        super().__init__(dict(fields))
        self.message = message


def _fields_of(mapping: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field name -> messages, with Django's ``__all__`` called as DRF calls it."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    return {
        (non_field if key == "__all__" else str(key)): [force_str(m) for m in _as_list(value)]
        for key, value in mapping.items()
    }


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _as_api_exception(exc: Exception) -> Exception:
    """*exc* as a DRF exception when it is one this handler answers; else unchanged."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()  # Django's message may name a model: say no more.
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*(exc.args[:1] or ()))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return FieldsError(_fields_of(exc.message_dict))
        return FieldsError(_fields_of({"__all__": exc.messages}), message=" ".join(exc.messages))
    if isinstance(exc, opsbase.TenantScopeRequired):
        return exc  # a programming error: a 500, never a client's fault
    if isinstance(exc, opsbase.PermissionDenied):
        return ApiError(
            exc.message, code="permission_denied", status_code=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, opsbase.NotFound):
        return ApiError(exc.message, code="not_found", status_code=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, opsbase.ValidationError):
        fields = exc.extra.get("fields") or {"__all__": [exc.message]}
        return FieldsError(_fields_of(fields), message=exc.message)
    if isinstance(exc, opsbase.Conflict):
        return ApiError(
            exc.message, code="conflict", status_code=status.HTTP_409_CONFLICT, details=exc.extra
        )
    if isinstance(exc, opsbase.InvalidTransition):
        return ApiError(
            exc.message,
            code="invalid_transition",
            status_code=status.HTTP_400_BAD_REQUEST,
            details=exc.extra,
        )
    if isinstance(exc, opsbase.OpsBaseError):
        return ApiError(
            exc.message,
            code="bad_request",
            status_code=status.HTTP_400_BAD_REQUEST,
            details=exc.extra,
        )
    return exc


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as ``{"items.0.name": [...]}``."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
        return flat
    if isinstance(detail, list) and any(isinstance(d, Mapping | list) for d in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    name = prefix or api_settings.NON_FIELD_ERRORS_KEY
    return {name: [force_str(m) for m in _as_list(detail)]}


def _body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        non_field = fields.get(api_settings.NON_FIELD_ERRORS_KEY)
        message = getattr(exc, "message", None) or (
            non_field[0] if non_field and len(fields) == 1 else VALIDATION_MESSAGE
        )
        error: dict[str, Any] = {
            "code": "validation_error",
            "message": force_str(message),
            "fields": fields,
        }
    else:
        detail = exc.detail
        if isinstance(detail, Mapping | list):
            messages = [m for ms in _flatten(detail).values() for m in ms]
            message = " ".join(messages)
            codes = exc.get_codes()
            code = exc.default_code if isinstance(codes, Mapping | list) else codes
        else:
            message = force_str(detail)
            code = getattr(detail, "code", None) or exc.default_code
        error = {"code": code, "message": message}
    details = dict(getattr(exc, "details", None) or {})
    # Throttled.wait is set in its __init__; the stubs do not declare it.
    wait = exc.wait if isinstance(exc, exceptions.Throttled) else None  # type: ignore[attr-defined]
    if wait is not None:
        details["retry_after"] = wait
    if details:
        error["details"] = details
    request_id = current_request_id()
    if request_id:
        error["request_id"] = request_id
    return {"error": error}


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every API error as ``{"error": {...}}`` (see module)."""
    if isinstance(exc, OverflowError):
        # An id beyond any integer column (``/roles/99999999999999999999/``): some database
        # drivers fail on it instead of finding nothing. No such object, not a server error.
        exc = exceptions.NotFound()
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _body(exc)
    return response


def is_api_request(request) -> bool:
    """Whether *request* is for the JSON API (``/api/v1/...``, ``/api/schema/``), not a page."""
    try:
        prefixes = (reverse("api:me").removesuffix("me/"), reverse("api:schema"))
    except NoReverseMatch:  # a project without the API
        return False
    return request.path_info.startswith(prefixes)


def json_error_response(exc: exceptions.APIException) -> JsonResponse:
    """*exc* in the one error shape, for code outside DRF's views (Django's error handlers)."""
    return JsonResponse(_body(exc), status=exc.status_code)
