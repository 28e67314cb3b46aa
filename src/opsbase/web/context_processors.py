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
    """The signed-in user's active memberships (for the tenant switcher), once per request:
    the list the membership middleware read, else read here (cached under the auth version)."""
    cached = getattr(request, "tenant_memberships", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = []
        if user is not None and user.is_authenticated:
            from opsbase.kernel.tenants.selectors import membership_list_for_user_cached

            cached = membership_list_for_user_cached(user=user)
        request.tenant_memberships = cached
    return cached


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
