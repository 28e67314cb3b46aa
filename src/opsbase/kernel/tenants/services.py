"""Writes of tenants, memberships and invitations."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, cast
from urllib.parse import urljoin

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from opsbase.conf import setting
from opsbase.core.context import tenant_context
from opsbase.core.exceptions import PermissionDenied, ValidationError
from opsbase.core.validation import validated
from opsbase.kernel.audit.services import audit_create, audit_update, snapshot
from opsbase.kernel.policy import policy, require_superuser
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.kernel.roles.services import roles_ensure_defaults

from .models import Invitation, Membership, Tenant
from .selectors import (
    INVITATION_PROBLEMS,
    MANAGE_INVITATIONS,
    MANAGE_MEMBERS,
    invitation_problem,
    invitation_token_hash,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from opsbase.kernel.accounts.models import User


@transaction.atomic
def tenant_create(*, name: str, owner: User, slug: str = "") -> tuple[Tenant, Membership]:
    """A new organization with its built-in roles, and *owner* as its first Admin.

    Without an explicit *slug*, one is derived from the name and made unique ("acme-2"), so
    two organizations may share a name; an explicit slug that is taken is a field error.
    """
    tenant = Tenant(name=name.strip(), slug=slug or _free_slug(name))
    tenant.full_clean()
    tenant.save()
    # The rest acts inside the new organization (PostgreSQL row-level security follows it).
    with tenant_context(tenant):
        roles = roles_ensure_defaults(tenant=tenant)
        membership = Membership(tenant=tenant, user=owner, role=roles[RoleKind.ADMIN])
        membership.full_clean()
        membership.save()
        audit_create(membership=membership, obj=tenant)
        audit_create(membership=membership, obj=membership)
    return tenant, membership


@transaction.atomic
def tenant_staff_update(*, actor: User, tenant: Tenant, name: str, is_active: bool) -> Tenant:
    """A superuser's change of an organization's name or active flag (the Django admin),
    made under a row lock and audited in the organization's own chain."""
    require_superuser(actor)
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    before = snapshot(locked)
    locked.name = name.strip()
    locked.is_active = is_active
    validated(locked)
    locked.save()
    audit_update(membership=None, actor=actor, obj=locked, before=before, action="tenant.update")
    return locked


def _free_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "org"
    taken = set(Tenant.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


# -- members -------------------------------------------------------------------------------------


def _locked_target(membership: Membership, target: Membership) -> Membership:
    """*target* re-read under the tenant's lock, after the policy check."""
    policy.require(membership, MANAGE_MEMBERS, target)
    # One lock on the tenant row serialises every change that could remove its last Admin.
    Tenant.objects.select_for_update().filter(pk=membership.tenant_id).first()
    return (
        Membership.objects.for_tenant(membership.tenant_id)
        .select_related("user", "role")
        .get(pk=target.pk)
    )


def _refuse_losing_last_admin(target: Membership, message: _StrOrPromise) -> None:
    if not (target.is_active and target.role.kind == RoleKind.ADMIN):
        return
    others = (
        Membership.objects.for_tenant(target.tenant_id)
        .filter(is_active=True, role__kind=RoleKind.ADMIN)
        .exclude(pk=target.pk)
        .exists()
    )
    if not others:
        raise ValidationError(message)


def _refuse_touching_admins_unless_admin(
    membership: Membership, target: Membership, role: Role | None = None
) -> None:
    """Only an Admin may grant the Admin role or change an Admin's membership."""
    if membership.role.kind == RoleKind.ADMIN:
        return
    if target.role.kind == RoleKind.ADMIN or (role is not None and role.kind == RoleKind.ADMIN):
        raise PermissionDenied(_("Only an Admin can change an Admin or make someone an Admin."))


@transaction.atomic
def membership_add(
    *, membership: Membership, user: User, role: Role | None = None, role_kind: str | None = None
) -> Membership:
    """Make an existing *user* a member directly (no invitation), with *role* or the built-in
    role of *role_kind*."""
    policy.require(membership, MANAGE_MEMBERS)
    if role is None:
        role = (
            Role.objects.for_tenant(membership.tenant_id)
            .filter(kind=role_kind or RoleKind.USER, is_builtin=True)
            .first()
        )
    if role is None or role.tenant_id != membership.tenant_id:
        message = _("Choose a role of this organization.")
        raise ValidationError(message, extra={"fields": {"role": [str(message)]}})
    if role.kind == RoleKind.ADMIN and membership.role.kind != RoleKind.ADMIN:
        raise PermissionDenied(_("Only an Admin can change an Admin or make someone an Admin."))
    if Membership.objects.for_tenant(membership.tenant_id).filter(user=user).exists():
        raise ValidationError(
            _("%(email)s is already a member of this organization.") % {"email": user.email}
        )
    member = Membership(tenant_id=membership.tenant_id, user=user, role=role)
    validated(member)
    member.save()
    audit_create(membership=membership, obj=member)
    return member


@transaction.atomic
def membership_change_role(*, membership: Membership, target: Membership, role: Role) -> Membership:
    """Give *target* another role of the same tenant; the tenant always keeps an active Admin."""
    target = _locked_target(membership, target)
    if role.tenant_id != target.tenant_id:
        message = _("Choose a role of this organization.")
        raise ValidationError(message, extra={"fields": {"role": [str(message)]}})
    _refuse_touching_admins_unless_admin(membership, target, role)
    if role.pk == target.role_id:
        return target
    if role.kind != RoleKind.ADMIN:
        _refuse_losing_last_admin(
            target,
            _(
                "%(who)s is the last active Admin of this organization; make someone else an "
                "Admin first."
            )
            % {"who": target.user.email},
        )
    before = snapshot(target)
    target.role = role
    validated(target)
    target.save(update_fields=["role", "updated_at"])
    audit_update(membership=membership, obj=target, before=before)
    return target


@transaction.atomic
def membership_deactivate(*, membership: Membership, target: Membership) -> Membership:
    """Suspend *target*'s access to the tenant (not one's own, never the last active Admin)."""
    target = _locked_target(membership, target)
    if target.pk == membership.pk:
        raise ValidationError(_("You cannot deactivate your own membership."))
    _refuse_touching_admins_unless_admin(membership, target)
    if not target.is_active:
        return target
    _refuse_losing_last_admin(
        target,
        _(
            "%(who)s is the last active Admin of this organization; make someone else an Admin "
            "first."
        )
        % {"who": target.user.email},
    )
    before = snapshot(target)
    target.is_active = False
    target.save(update_fields=["is_active", "updated_at"])
    audit_update(membership=membership, obj=target, before=before, action="membership.deactivate")
    return target


@transaction.atomic
def membership_reactivate(*, membership: Membership, target: Membership) -> Membership:
    """Give a deactivated member their access back, with the role they had."""
    target = _locked_target(membership, target)
    _refuse_touching_admins_unless_admin(membership, target)
    if target.is_active:
        return target
    before = snapshot(target)
    target.is_active = True
    target.save(update_fields=["is_active", "updated_at"])
    audit_update(membership=membership, obj=target, before=before, action="membership.reactivate")
    return target


# -- invitations ---------------------------------------------------------------------------------


def _invitation_send(*, invitation: Invitation, link: str, inviter: User) -> None:
    context = {
        "invitation": invitation,
        "tenant": invitation.tenant,
        "role": invitation.role,
        "inviter": inviter,
        "link": link,
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("tenants/emails/invitation_subject.txt", context)
    body = render_to_string("tenants/emails/invitation_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])


@transaction.atomic
def invitation_create(
    *, membership: Membership, email: str, role: Role, site_url: str
) -> Invitation:
    """A single-use invitation e-mailed to *email*; only the token's SHA-256 is stored.

    *site_url* is the absolute root of the site (``request.build_absolute_uri("/")``); the
    link in the e-mail is built from it. The returned invitation carries the raw token in
    ``.token`` (never stored) for callers that deliver the link themselves.
    """
    policy.require(membership, MANAGE_INVITATIONS)
    email = (email or "").strip().lower()
    if role.tenant_id != membership.tenant_id:
        message: _StrOrPromise = _("Choose a role of this organization.")
        raise ValidationError(message, extra={"fields": {"role": [str(message)]}})
    if role.kind == RoleKind.ADMIN and membership.role.kind != RoleKind.ADMIN:
        raise PermissionDenied(_("Only an Admin can invite someone as an Admin."))
    existing = (
        Membership.objects.for_tenant(membership.tenant_id)
        .filter(user__email__iexact=email)
        .first()
    )
    if existing is not None:
        message = (
            _("%(email)s is already a member of this organization.")
            if existing.is_active
            else _(
                "%(email)s is a deactivated member of this organization; reactivate them instead."
            )
        ) % {"email": email}
        raise ValidationError(message, extra={"fields": {"email": [str(message)]}})
    now = timezone.now()
    open_ones = Invitation.objects.for_tenant(membership.tenant_id).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    if open_ones.filter(expires_at__gt=now).exists():
        message = _("%(email)s already has an open invitation; revoke it to send a new one.") % {
            "email": email
        }
        raise ValidationError(message, extra={"fields": {"email": [str(message)]}})
    # An expired invitation is dead; close it so that the new one is the only open one.
    open_ones.update(revoked_at=now)

    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        tenant_id=membership.tenant_id,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=membership.user,
        expires_at=now + setting("INVITATION_TTL"),
    )
    # token_hash is 256 random bits (unique by construction, and backed by the database).
    validated(invitation, exclude=["token_hash"])
    invitation.save()
    audit_create(membership=membership, obj=invitation)
    link = urljoin(site_url, reverse("tenants:invitation_accept", args=[token]))
    _invitation_send(invitation=invitation, link=link, inviter=membership.user)
    invitation.token = token
    return invitation


@transaction.atomic
def invitation_revoke(*, membership: Membership, invitation: Invitation) -> Invitation:
    """Close an open invitation so that its link no longer works."""
    policy.require(membership, MANAGE_INVITATIONS, invitation)
    invitation = (
        Invitation.objects.for_tenant(membership.tenant_id)
        .select_for_update()
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was already revoked."))
    before = snapshot(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_update(membership=membership, obj=invitation, before=before, action="invitation.revoke")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Make *user* a member with the invited role; each link works once, before it expires."""
    locked = (
        Invitation.objects.unscoped()
        .select_for_update()
        .filter(token_hash=invitation_token_hash(token or ""))
        .first()
    )
    invitation = (
        Invitation.objects.unscoped().select_related("tenant", "role").get(pk=locked.pk)
        if locked is not None
        else None
    )
    problem = invitation_problem(invitation=invitation, user=user)
    if problem is not None:
        raise ValidationError(INVITATION_PROBLEMS[problem], extra={"reason": problem})
    invitation = cast(Invitation, invitation)  # invitation_problem reports a missing one
    # Joining acts inside the inviting organization (PostgreSQL row-level security follows).
    with tenant_context(invitation.tenant_id):
        member = Membership(tenant_id=invitation.tenant_id, user=user, role=invitation.role)
        validated(member)
        member.save()
        before = snapshot(invitation)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        audit_create(membership=member, obj=member, action="membership.join")
        audit_update(membership=member, obj=invitation, before=before, action="invitation.accept")
    return member
