"""Security headers Django does not send by itself, and deployment checks of OpsBase's own.

Django's ``SecurityMiddleware`` covers HSTS, ``X-Content-Type-Options``, ``Referrer-Policy``
and ``Cross-Origin-Opener-Policy``; ``XFrameOptionsMiddleware`` covers ``X-Frame-Options``;
django-csp covers ``Content-Security-Policy``. What is left, ``Permissions-Policy``, is here,
with ``Cache-Control`` for signed-in answers.
"""

from __future__ import annotations

from django.core import checks
from django.utils.cache import patch_cache_control


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    parts = []
    for feature, allowed in policy.items():
        origins = " ".join(a if a in ("self", "*") else f'"{a}"' for a in allowed)
        parts.append(f"{feature}=({origins})" if origins != "*" else f"{feature}=*")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (``OPSBASE_PERMISSIONS_POLICY``) on every response."""

    def __init__(self, get_response):
        from opsbase.conf import setting

        self.get_response = get_response
        self.header = permissions_policy_header(setting("PERMISSIONS_POLICY"))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in caller (a session,
    or an API token's membership) that says nothing of caching: no shared cache, proxy or
    browser history keeps one person's pages, CSV exports or JSON. An answer that sets its
    own ``Cache-Control`` keeps it, made ``private``. Answers to anonymous callers (the
    sign-in page, the API schema, static files) are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in(request):
            if response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            else:
                response["Cache-Control"] = "private, no-store"
        return response


def _signed_in(request) -> bool:
    if getattr(request, "membership", None) is not None:
        return True  # a session's active membership, or the API token's
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


@checks.register(checks.Tags.security, deploy=True)
def check_admin_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The Django admin should not sit at the address every scanner tries first."""
    from opsbase.conf import setting

    path = str(setting("ADMIN_URL")).strip("/").lower()
    if path in ("admin", "django-admin", "administrator", ""):
        return [
            checks.Warning(
                f"The Django admin is served at the well-known path '{path}/'.",
                hint="Set OPSBASE_ADMIN_URL to a path of your own, e.g. "
                "OPSBASE_ADMIN_URL=manage-<random>/ (python -c 'import secrets; "
                "print(secrets.token_urlsafe(8))').",
                id="opsbase.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_metrics_protected(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A metrics token, when set, must be long enough not to be guessed."""
    from opsbase.conf import setting

    token = setting("METRICS_TOKEN") or ""
    if token and len(token) < 24:
        return [
            checks.Warning(
                "OPSBASE_METRICS_TOKEN is shorter than 24 characters.",
                hint="Use a random value, e.g. from `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`.",
                id="opsbase.W002",
            )
        ]
    return []
