"""Writes of roles: built-in roles, custom roles and roles made from templates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import NotFound, ValidationError
from opsbase.core.validation import validated
from opsbase.kernel.audit.services import (
    audit_create,
    audit_delete,
    audit_event,
    audit_update,
    snapshot,
)
from opsbase.kernel.policy import policy

from .constants import RoleKind
from .models import Role

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from opsbase.kernel.tenants.models import Membership, Tenant

MANAGE_ROLES = "roles.manage_roles"

BUILTIN_ROLES = (
    (RoleKind.ADMIN, "Admin", "Everything in the organization, including members and roles."),
    (RoleKind.MANAGER, "Manager", "Sees and edits every record of the organization."),
    (RoleKind.USER, "User", "Sees and edits the records they own or are assigned."),
)


@dataclass(frozen=True)
class BuiltinSync:
    """What :func:`roles_sync_builtin` did to one built-in role."""

    role: Role
    outcome: str  # "created", "updated" or "unchanged"
    changed: tuple[str, ...] = ()


def _codenames_checked(permissions: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(permissions))
    known = set(policy.codenames())
    unknown = [c for c in wanted if c not in known]
    if unknown:
        message = _("Unknown permission: %(names)s.") % {"names": ", ".join(unknown)}
        raise ValidationError(message, extra={"fields": {"permissions": [str(message)]}})
    return sorted(wanted)


def _unique_slug(tenant_id: int, name: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(name) or "role")[:70]
    taken = set(
        Role.objects.for_tenant(tenant_id)
        .filter(slug__startswith=base)
        .exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None (a new role) excludes nothing
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _name_checked(tenant_id: int, name: str, *, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        message: _StrOrPromise = _("A role needs a name.")
        raise ValidationError(message, extra={"fields": {"name": [str(message)]}})
    taken = (
        Role.objects.for_tenant(tenant_id)
        .filter(name__iexact=name)
        .exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None (a new role) excludes nothing
        .exists()
    )
    if taken:
        message = _("A role named %(name)s already exists.") % {"name": name}
        raise ValidationError(message, extra={"fields": {"name": [str(message)]}})
    return name


# -- built-in roles ------------------------------------------------------------------------------


@transaction.atomic
def roles_sync_builtin(*, tenant: Tenant, reset: bool = False) -> dict[str, BuiltinSync]:
    """Create missing built-in roles of *tenant* and repair existing ones (idempotent).

    Name, kind and the built-in flag are always restored, and Admin always holds every
    codename. The permissions of Manager and User are the tenant's choice once the role
    exists, except that a default they were never offered (a module installed since, or an
    upgrade's new codename) is added once: a codename the tenant removed is not given back.
    ``reset=True`` puts them back to the library defaults.
    """
    result: dict[str, BuiltinSync] = {}
    for kind, name, description in BUILTIN_ROLES:
        wanted = {
            "name": name,
            "kind": kind,
            "is_builtin": True,
        }
        role = Role.objects.for_tenant(tenant).filter(kind=kind, is_builtin=True).first()
        if role is None:
            role = Role.objects.for_tenant(tenant).filter(slug=slugify(name)).first()
        if role is None:
            role = Role(
                tenant=tenant,
                slug=slugify(name),
                description=description,
                permissions=policy.default_permissions(kind),
                offered=policy.default_permissions(kind),
                **wanted,
            )
            role.save()
            audit_event(tenant=tenant, actor=None, action="create", target=role)
            result[kind] = BuiltinSync(role, "created")
            continue
        defaults = policy.default_permissions(kind)
        if kind == RoleKind.ADMIN or reset:
            wanted["permissions"] = defaults
        else:
            fresh = [c for c in defaults if c not in role.offered and c not in role.permissions]
            if fresh:
                wanted["permissions"] = [*role.permissions, *fresh]
        wanted["offered"] = sorted(set(role.offered) | set(defaults))
        if reset:
            wanted["description"] = description
        changed = tuple(f for f, v in wanted.items() if getattr(role, f) != v)
        if changed:
            # What was offered is bookkeeping: saved, not an event of the role's history.
            changes = {f: (getattr(role, f), wanted[f]) for f in changed if f != "offered"}
            for f in changed:
                setattr(role, f, wanted[f])
            role.save(update_fields=[*changed, "updated_at"])
            if changes:
                audit_event(
                    tenant=tenant, actor=None, action="update", target=role, changes=changes
                )
                result[kind] = BuiltinSync(role, "updated", tuple(changes))
            else:
                result[kind] = BuiltinSync(role, "unchanged")
        else:
            result[kind] = BuiltinSync(role, "unchanged")
    return result


def roles_ensure_defaults(*, tenant: Tenant, reset: bool = False) -> dict[str, Role]:
    """Create or refresh the built-in Admin, Manager and User roles of *tenant* (idempotent)."""
    return {kind: s.role for kind, s in roles_sync_builtin(tenant=tenant, reset=reset).items()}


# -- custom roles --------------------------------------------------------------------------------


@transaction.atomic
def role_create(
    *, membership: Membership, name: str, permissions: Iterable[str] = (), description: str = ""
) -> Role:
    """A new custom role of the membership's tenant holding *permissions* (known codenames)."""
    policy.require(membership, MANAGE_ROLES)
    name = _name_checked(membership.tenant_id, name)
    role = Role(
        tenant_id=membership.tenant_id,
        name=name,
        slug=_unique_slug(membership.tenant_id, name),
        kind=RoleKind.CUSTOM,
        description=(description or "").strip(),
        permissions=_codenames_checked(permissions),
    )
    validated(role)
    role.save()
    audit_create(membership=membership, obj=role)
    return role


@transaction.atomic
def role_update(
    *,
    membership: Membership,
    role: Role,
    name: str | None = None,
    description: str | None = None,
    permissions: Iterable[str] | None = None,
) -> Role:
    """Change a role; a built-in role keeps its name and kind, and Admin keeps everything."""
    policy.require(membership, MANAGE_ROLES, role)
    role = Role.objects.for_tenant(role.tenant_id).select_for_update().get(pk=role.pk)
    before = snapshot(role)
    if name is not None:
        name = _name_checked(role.tenant_id, name, exclude_pk=role.pk)
        if role.is_builtin and name != role.name:
            message = _("A built-in role cannot be renamed.")
            raise ValidationError(message, extra={"fields": {"name": [str(message)]}})
        if name != role.name:
            role.name = name
            role.slug = _unique_slug(role.tenant_id, name, exclude_pk=role.pk)
    if description is not None:
        role.description = description.strip()
    if permissions is not None:
        codenames = _codenames_checked(permissions)
        if role.kind == RoleKind.ADMIN and codenames != policy.codenames():
            message = _("The Admin role always holds every permission.")
            raise ValidationError(message, extra={"fields": {"permissions": [str(message)]}})
        role.permissions = codenames
    validated(role)
    role.save()
    audit_update(membership=membership, obj=role, before=before)
    return role


@transaction.atomic
def role_delete(*, membership: Membership, role: Role) -> None:
    """Delete a custom role that no member holds and no open invitation offers."""
    from opsbase.kernel.tenants.models import Invitation, Membership

    policy.require(membership, MANAGE_ROLES, role)
    role = Role.objects.for_tenant(role.tenant_id).select_for_update().get(pk=role.pk)
    if role.is_builtin:
        raise ValidationError(
            _("The built-in role %(name)s cannot be deleted.") % {"name": role.name}
        )
    holders = Membership.objects.for_tenant(role.tenant_id).filter(role=role).count()
    if holders:
        raise ValidationError(
            _(
                "%(count)d member(s) hold the role %(name)s. Give them another role before "
                "deleting it."
            )
            % {"count": holders, "name": role.name},
            extra={"members": holders},
        )
    invitations = Invitation.objects.for_tenant(role.tenant_id).filter(role=role)
    open_invitations = invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    if open_invitations:
        raise ValidationError(
            _(
                "%(count)d open invitation(s) offer the role %(name)s. Revoke them before "
                "deleting it."
            )
            % {"count": open_invitations, "name": role.name},
            extra={"invitations": open_invitations},
        )
    # Used, revoked and expired invitations can no longer do anything; the audit log keeps
    # their history, so they go with the role rather than block its deletion.
    invitations.delete()
    audit_delete(membership=membership, obj=role)
    role.delete()


@transaction.atomic
def role_create_from_template(*, membership: Membership, slug: str, name: str = "") -> Role:
    """A custom role made from the role template *slug* (its installed codenames only)."""
    policy.require(membership, MANAGE_ROLES)
    template = next((t for t in policy.templates() if t["slug"] == slug), None)
    if template is None:
        raise NotFound(_("There is no role template %(slug)s.") % {"slug": slug})
    return role_create(
        membership=membership,
        name=name or str(template["name"]),
        permissions=template["permissions"],
        description=str(template["description"]),
    )
