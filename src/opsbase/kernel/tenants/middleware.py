"""Resolve the active membership of a signed-in user for each request."""

from __future__ import annotations

from opsbase.core.cache import versions_prefetch, versions_snapshot
from opsbase.core.context import tenant_id_var
from opsbase.kernel.accounts.session_cache import (
    session_user,
    session_user_cache_key,
    session_user_id,
    session_user_key,
    session_verifies,
)

from .selectors import (
    SESSION_KEY,
    membership_active_for_user,
    membership_list_cache_key,
    membership_list_for_user_cached,
    membership_list_with_user,
)


class ActiveMembershipMiddleware:
    """Sets ``request.membership`` and ``request.tenant`` (``None`` when there is none), and
    ``request.tenant_memberships``, the signed-in user's memberships (the tenant switcher's).

    The memberships come from the cache (one read under the auth version, no query) when the
    auth cache is on. API requests authenticated by token set their membership in the
    authentication class instead; this middleware only reads the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The cache versions the request reads (auth, its tenant's) come in one round trip.
        with versions_snapshot():
            return self._call(request)

    def _call(self, request):
        request.membership = None
        request.tenant = None
        user = getattr(request, "user", None)
        memberships = None
        if user is not None and hasattr(request, "session"):
            user, memberships = self._session_user(request)
        if user is not None and user.is_authenticated:
            tenant_id = request.session.get(SESSION_KEY)
            if memberships is None:
                memberships = membership_list_for_user_cached(user=user)
            request.tenant_memberships = memberships
            membership = membership_active_for_user(
                user=user, tenant_id=tenant_id, memberships=memberships
            )
            if membership is not None:
                request.membership = membership
                request.tenant = membership.tenant
        token = tenant_id_var.set(request.tenant.pk if request.tenant else None)
        try:
            return self.get_response(request)
        finally:
            tenant_id_var.reset(token)

    @staticmethod
    def _session_user(request):
        """The session's user, cached (``accounts.session_cache``), and its memberships when
        they were read with it (else None); what a session request reads from the cache (the
        auth and tenant versions, the user and the memberships) comes in one round trip."""
        user_id = session_user_id(request)
        if user_id is None:
            return request.user, None
        tenant_id = request.session.get(SESSION_KEY)
        user_key = session_user_cache_key(user_id)
        if user_key is None and (pk := session_user_key(request, user_id)) is not None:
            # The auth cache is off: the user and its memberships in one query, the user
            # answered by Django's rules; any doubt (no membership to join it to, a hash that
            # does not verify) is left to the lookup below, which may sign the session out.
            memberships = membership_list_with_user(user_id=pk)
            user = memberships[0].user if memberships else None
            if session_verifies(request, user):
                request.user = user
                return user, memberships
        entries = [membership_list_cache_key(user_id)]
        if user_key is not None:
            entries.append(user_key)
        versions_prefetch(tenants=[tenant_id] if tenant_id else [], names=["auth"], entries=entries)
        request.user = user = session_user(request)
        return user, None
