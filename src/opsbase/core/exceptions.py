"""The OpsBase error hierarchy; mapped to HTTP once for the API and once for HTML views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class OpsBaseError(Exception):
    """Base error: a message for the user and optional structured details."""

    default_message = "Something went wrong."

    def __init__(
        self, message: _StrOrPromise | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        self.message = str(message or self.default_message)
        self.extra = extra or {}
        super().__init__(self.message)


class PermissionDenied(OpsBaseError):
    default_message = "You do not have permission to do this."


class NotFound(OpsBaseError):
    default_message = "Not found."


class Conflict(OpsBaseError):
    """The request cannot be done as the record is now (still in use, changed meanwhile)."""

    default_message = "This cannot be done as the record is now."


class InvalidTransition(OpsBaseError):
    default_message = "This change of state is not allowed."


class ValidationError(OpsBaseError):
    """Bad input; ``extra['fields']`` maps field names to lists of messages."""

    default_message = "Please correct the errors below."


class TenantScopeRequired(OpsBaseError):
    """A tenant-owned model was queried without a tenant filter (a programming error)."""
