"""View decorators: a signed-in user acting through an active membership, with a permission."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from opsbase.kernel.policy import policy


def membership_required(view):
    """Signed in and a member of an organization; else the sign-in or onboarding page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "membership", None) is None:
            return redirect("tenants:onboarding")
        return view(request, *args, **kwargs)

    return wrapper


def permission_required(codename: str):
    """``membership_required`` plus the policy's role check for *codename* (403 with reason)."""

    def decorator(view):
        @membership_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            policy.require(request.membership, codename)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
