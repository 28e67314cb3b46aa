"""Errors of the audit app."""

from __future__ import annotations

from opsbase.core.exceptions import OpsBaseError


class AuditLogImmutable(OpsBaseError):
    """Something tried to change or remove an audit event; the log is append-only."""

    default_message = "The audit log is append-only: events cannot be changed or deleted."
