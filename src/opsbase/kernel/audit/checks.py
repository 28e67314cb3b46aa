"""System checks of the audit log: its checkpoints need a key of their own when deployed."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

MIN_KEY_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_audit_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Without ``OPSBASE_AUDIT_KEY`` no checkpoint is signed, so truncation goes unnoticed."""
    key = getattr(settings, "OPSBASE_AUDIT_KEY", "") or ""
    hint = (
        "Add OPSBASE_AUDIT_KEY to .env.prod, e.g. from `python -c 'import secrets; "
        "print(secrets.token_urlsafe(32))'`; keep it out of the database and its backups."
    )
    if not key:
        problem = (
            "OPSBASE_AUDIT_KEY is not set: the audit chains' checkpoints cannot be signed, so "
            "audit events deleted from the end of a chain, or a chain deleted whole, go "
            "unnoticed."
        )
    elif len(key) < MIN_KEY_LENGTH:
        problem = f"OPSBASE_AUDIT_KEY is shorter than {MIN_KEY_LENGTH} characters."
    elif key == settings.SECRET_KEY:
        problem = (
            "OPSBASE_AUDIT_KEY is the SECRET_KEY: give the audit checkpoints a key of their own."
        )
    else:
        return []
    return [checks.Warning(problem, hint=hint, id="opsbase.W010")]
