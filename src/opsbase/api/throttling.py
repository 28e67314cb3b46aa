"""Rate limits. Same as DRF's, except that rates are read from settings at request time and
the client address is ``opsbase.core.middleware.client_ip``'s.

DRF's throttles copy ``DEFAULT_THROTTLE_RATES`` into a class attribute at import, so a
changed setting (a project's override after import, ``override_settings`` in tests) would be
ignored; these read ``api_settings`` (which follows setting changes) on every request.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings

from opsbase.core.cache import counting_cache
from opsbase.core.middleware import client_ip


# The read-only property replaces DRF's class attribute on purpose (hence the ignores below).
class _RatesFromSettings:
    @property
    def THROTTLE_RATES(self):  # noqa: N802 - the name DRF's throttles read
        return api_settings.DEFAULT_THROTTLE_RATES

    def get_ident(self, request) -> str:
        # The one client address (``OPSBASE_TRUSTED_PROXIES``): without a trusted proxy a
        # forged X-Forwarded-For no longer earns a fresh allowance.
        return client_ip(request) or ""


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):  # type: ignore[override]
    """Callers without credentials, per client address (rate ``anon``)."""


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):  # type: ignore[override]
    """Signed-in callers (session or token), per user (rate ``user``)."""


class ScopedRateThrottle(_RatesFromSettings, throttling.ScopedRateThrottle):  # type: ignore[override]
    """Per view ``throttle_scope`` (e.g. ``auth_token``), per user or client address."""


class SignInRateThrottle(ScopedRateThrottle):
    """The sign-in endpoint's limit (``auth_token``), per client address, counted where every
    process sees it: without a shared cache (Redis) each gunicorn worker would allow the
    rate on its own."""

    @property
    def cache(self):
        return counting_cache()
