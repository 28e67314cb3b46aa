"""Template context of the page shell: brand, active membership, switcher, sidebar.

Everything that costs a query is lazy and cached on the request, so a page that does not
show the switcher or the sidebar (an error page, a JSON view) does not pay for them, and a
page that shows them twice queries once. Nothing here raises: the error handlers render
through this processor too.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from opsbase.conf import setting

from . import navigation


def tenant_memberships(request) -> list:
    """The signed-in user's active memberships (for the tenant switcher), once per request."""
    cached = getattr(request, "_opsbase_memberships", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = []
        if user is not None and user.is_authenticated:
            cached = _memberships_of(user)
        request._opsbase_memberships = cached
    return cached


def _memberships_of(user) -> list:
    """*user*'s active memberships, kept in the cache under the auth version (which every
    change to a user, membership, role, tenant or token replaces: ``opsbase.api.auth_cache``)
    for ``OPSBASE_AUTH_CACHE_TIMEOUT`` seconds."""
    from opsbase.apps.tenants.selectors import membership_list_for_user
    from opsbase.core.cache import cache_get, cache_set, global_version

    timeout = setting("AUTH_CACHE_TIMEOUT")
    key = None
    if timeout:
        try:
            key = f"opsbase:auth:{global_version('auth')}:memberships:{user.pk}"
        except Exception:  # the cache is down: read the database
            key = None
    found = cache_get(key) if key else None
    if found is None:
        # With tenant and role joined, not the user: no password hash goes to the cache.
        found = list(membership_list_for_user(user=user))
        if key:
            cache_set(key, found, timeout)
    return found


def nav_sections(request) -> list[dict]:
    """The sidebar of the request's membership, with the current page marked, once per request."""
    cached = getattr(request, "_opsbase_nav_sections", None)
    if cached is None:
        membership = getattr(request, "membership", None)
        cached = (
            navigation.sections_for(membership, path=getattr(request, "path", None))
            if membership is not None
            else []
        )
        request._opsbase_nav_sections = cached
    return cached


def shell(request):
    """Template context of the page shell: active membership and the user's other tenants."""
    return {
        "membership": getattr(request, "membership", None),
        "site_name": setting("SITE_NAME"),
        "tenant_memberships": SimpleLazyObject(lambda: tenant_memberships(request)),
        "nav_sections": SimpleLazyObject(lambda: nav_sections(request)),
    }
