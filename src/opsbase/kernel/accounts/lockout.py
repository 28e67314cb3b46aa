"""The sign-in lockout shared by the web form and the API token endpoint (django-axes).

Failures are counted in the database (every process sees them) per *identity* (the e-mail
address trimmed and case-folded, so ``USER@ACME.TEST`` is ``user@acme.test``) and client
address (``opsbase.core.middleware.client_ip``). ``OPSBASE_LOGIN_FAILURE_LIMIT`` failures
of one pair lock that pair only: an attacker failing from one address never locks the owner
out of another. On top, ``OPSBASE_LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address,
whatever the accounts, lock that address out: trying many accounts from one place is cut
short as well.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum

from opsbase.conf import setting


def normalize_identity(value: object) -> str:
    """The sign-in identity of *value* (an e-mail address as typed): trimmed, case-folded."""
    return str(value or "").strip().casefold()


def sign_in_identity(request, credentials: dict | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the account a sign-in attempt is counted against."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    return normalize_identity(raw) or None


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with the per-address ceiling added to the pair's count."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        ceiling = int(setting("LOGIN_ADDRESS_FAILURE_LIMIT") or 0)
        if address and ceiling > 0:
            attempts = AccessAttempt.objects.filter(ip_address=address)
            if axes_settings.AXES_COOLOFF_TIME is not None:
                attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
            total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
            from_address = total or 0
            if from_address >= ceiling:
                # Counted as the pair's limit: axes then refuses and reports a lockout.
                return max(failures, get_failure_limit(request, credentials))
        return failures
