"""Reads of tenants, memberships and invitations."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import NotFound
from opsbase.kernel.policy import policy

from .models import Invitation, Membership, Tenant

if TYPE_CHECKING:
    from opsbase.kernel.accounts.models import User

SESSION_KEY = "opsbase_tenant_id"
MANAGE_MEMBERS = "tenants.manage_members"
MANAGE_INVITATIONS = "tenants.manage_invitations"


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """Active memberships of *user* in active tenants, across tenants (for the switcher)."""
    return (
        Membership.objects.unscoped()
        .filter(user=user, is_active=True, tenant__is_active=True)
        .select_related("tenant", "role")
        .order_by("tenant__name")
    )


def membership_list_cache_key(user_id: int | str) -> str:
    return f"opsbase:auth:memberships:{user_id}"


def membership_list_for_user_cached(*, user: User) -> list[Membership]:
    """``membership_list_for_user`` as a list, kept in the cache for the current auth version
    (which every change to a user, membership, role, tenant or token replaces:
    ``opsbase.api.auth_cache``) for ``OPSBASE_AUTH_CACHE_TIMEOUT`` seconds; read from the
    database when that is 0 or the cache is unreachable."""
    from opsbase.conf import setting
    from opsbase.core.cache import stamped_get, stamped_set

    timeout = setting("AUTH_CACHE_TIMEOUT")
    if not timeout:
        return _memberships_of(user.pk)
    key = membership_list_cache_key(user.pk)
    found, version = stamped_get(key, "auth")
    if not isinstance(found, list):
        # With tenant and role joined, not the user: no password hash goes to the cache.
        found = _memberships_of(user.pk)
        stamped_set(key, version, found, timeout)
    return found


def _memberships_of(user_id: int) -> list[Membership]:
    """``membership_list_for_user`` of the user *user_id*, a query compiled once (every
    signed-in request reads it when the auth cache is off: ``opsbase.core.compiled``)."""
    from opsbase.core.compiled import compiled

    def of(user: int) -> QuerySet[Membership]:
        return membership_list_for_user(user=user)  # type: ignore[arg-type]  # the id will do

    return compiled(Membership, "tenants.memberships_of_user", of, [-1]).objects([user_id])


def membership_list_with_user(*, user_id: int) -> list[Membership]:
    """``membership_list_for_user`` of the user *user_id* with that user joined (each
    membership's ``user``, password hash included: never put in a cache), one query compiled
    once: a signed-in request reads its user and memberships together when the auth cache
    is off. Empty when the user has no active membership (read the user on its own then)."""
    from opsbase.core.compiled import compiled

    def of(user: int) -> QuerySet[Membership]:
        return membership_list_for_user(user=user).select_related("user")  # type: ignore[arg-type]

    found = compiled(Membership, "tenants.memberships_with_user", of, [-1]).objects([user_id])
    if found:
        # One user object for the request, as a separate read would give.
        user = found[0].user
        for membership in found[1:]:
            membership.user = user
    return found


def membership_active_for_user(
    *, user: User, tenant_id: int | None, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership to act with: the chosen tenant's, else the first one, else None.

    *memberships* is the user's list when the caller has it (``membership_list_for_user_cached``);
    without it, the database is asked."""
    if memberships is None:
        queryset = membership_list_for_user(user=user)
        if tenant_id is not None:
            chosen = queryset.filter(tenant_id=tenant_id).first()
            if chosen is not None:
                return chosen
        return queryset.first()
    if tenant_id is not None:
        for membership in memberships:
            if membership.tenant_id == tenant_id:
                return membership
    return memberships[0] if memberships else None


def tenant_get_by_slug(*, slug: str) -> Tenant | None:
    return Tenant.objects.filter(slug=slug, is_active=True).first()


# -- members -------------------------------------------------------------------------------------


def membership_list(*, membership: Membership) -> QuerySet[Membership]:
    """Memberships of the tenant the acting membership may manage (active ones first)."""
    queryset = Membership.objects.for_tenant(membership.tenant_id).select_related("user", "role")
    return policy.scope(membership, MANAGE_MEMBERS, queryset).order_by("-is_active", "user__email")


def membership_get_for(*, membership: Membership, pk: int | str) -> Membership:
    """The membership *pk* of the acting membership's tenant; ``NotFound`` for any other."""
    found = (
        Membership.objects.for_tenant(membership.tenant_id)
        .select_related("user", "role")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# -- invitations ---------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    """The stored form of an invitation token (its SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_list(*, membership: Membership) -> QuerySet[Invitation]:
    """Invitations of the tenant (newest first) the acting membership may manage."""
    queryset = Invitation.objects.for_tenant(membership.tenant_id).select_related(
        "role", "invited_by", "accepted_by"
    )
    return policy.scope(membership, MANAGE_INVITATIONS, queryset).order_by("-created_at", "-pk")


def invitation_get_for(*, membership: Membership, pk: int | str) -> Invitation:
    """The invitation *pk* of the acting membership's tenant; ``NotFound`` for any other."""
    found = (
        Invitation.objects.for_tenant(membership.tenant_id)
        .select_related("role", "invited_by", "accepted_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation an e-mailed *token* belongs to (any state), or None."""
    if not token:
        return None
    return (
        Invitation.objects.unscoped()
        .select_related("tenant", "role")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def invitation_list_pending_for_email(*, email: str) -> QuerySet[Invitation]:
    """Open, unexpired invitations addressed to *email* (any case), across tenants."""
    return (
        Invitation.objects.unscoped()
        .select_related("tenant", "role")
        .filter(
            email__iexact=(email or "").strip(),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            tenant__is_active=True,
        )
        .order_by("-created_at")
    )


def invitation_list_pending_for_user(*, user: User) -> QuerySet[Invitation]:
    """Open, unexpired invitations addressed to *user*'s e-mail, across tenants."""
    return invitation_list_pending_for_email(email=user.email)


INVITATION_PROBLEMS = {
    "unknown": _("This invitation link is not valid. Check that you copied the whole link."),
    "accepted": _("This invitation was already used."),
    "revoked": _("This invitation was withdrawn by the organization."),
    "expired": _("This invitation has expired. Ask the organization to send a new one."),
    "inactive": _("This organization is no longer active."),
    "wrong_email": _(
        "This invitation was sent to another e-mail address. Sign in with the address it was "
        "sent to."
    ),
    "member": _("You are already a member of this organization."),
    "deactivated": _(
        "Your membership of this organization was deactivated; ask one of its Admins to "
        "reactivate it."
    ),
}


def invitation_problem(*, invitation: Invitation | None, user: User | None = None) -> str | None:
    """Why *invitation* cannot be accepted (by *user*, when given): a key of
    ``INVITATION_PROBLEMS``, or None when it can."""
    if invitation is None:
        return "unknown"
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    if not invitation.tenant.is_active:
        return "inactive"
    if user is None:
        return None
    if (user.email or "").strip().lower() != invitation.email.strip().lower():
        return "wrong_email"
    existing = Membership.objects.for_tenant(invitation.tenant_id).filter(user=user).first()
    if existing is not None:
        return "member" if existing.is_active else "deactivated"
    return None
