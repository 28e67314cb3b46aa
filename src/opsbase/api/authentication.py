"""API authentication: session (browser) and hashed tokens bound to one membership."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)

from opsbase.core.context import tenant_id_var

from .auth_cache import token_store
from .models import ApiTokenStatus
from .selectors import api_token_get_by_key
from .services import api_token_mark_used


class SessionMembershipAuthentication(SessionAuthentication):
    """Session auth (with CSRF); the membership comes from the tenant middleware."""


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <token>`` (or ``Bearer <token>``); acts as the token's membership.

    On success ``request.membership`` and ``request.tenant`` are the token's, whatever a
    session cookie sent along says, and the tenant is bound for logs, cache and tasks.
    """

    keyword = "Token"
    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None  # not ours: let the next class (the session) try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: use 'Token <token>'."), code="token_invalid"
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token."), code="token_invalid"
            ) from None
        token = api_token_get_by_key(raw=raw)
        self._refuse_unusable(token)
        membership = token.membership
        # Reset with the rest of the request by ActiveMembershipMiddleware's token. Bound
        # before the first write, which row-level security holds to this tenant.
        tenant_id_var.set(membership.tenant_id)
        used_before = token.last_used_at
        api_token_mark_used(token=token)
        if token.last_used_at != used_before:
            token_store(token.key_hash, token)  # the cached copy knows the use is recorded

        http_request = request._request
        http_request.membership = membership
        http_request.tenant = membership.tenant
        return membership.user, token

    @staticmethod
    def _refuse_unusable(token) -> None:
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."), code="token_invalid")
        status = token.status
        if status == ApiTokenStatus.REVOKED:
            raise exceptions.AuthenticationFailed(
                _("This token was revoked."), code="token_revoked"
            )
        if status == ApiTokenStatus.EXPIRED:
            raise exceptions.AuthenticationFailed(
                _("This token has expired."), code="token_expired"
            )
        membership = token.membership
        if not membership.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The account of this token is disabled."), code="user_inactive"
            )
        if not membership.tenant.is_active:
            raise exceptions.AuthenticationFailed(
                _("The organization of this token is no longer active."), code="tenant_inactive"
            )
        if not membership.is_active:
            raise exceptions.AuthenticationFailed(
                _("The membership of this token was deactivated."), code="membership_inactive"
            )

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return f'{self.keyword} realm="api"'
