"""What every module registers, declared as tables: its permission codenames (the policy's
rules) and its sidebar entries.

A module's ``permissions.py`` lists its rights once::

    permissions_register(
        Permission(VIEW, _("See leads"), _("You can only see the leads you own."), BOTH, mine),
        Permission(MANAGE, _("Manage pipelines"), _("Only a Manager ..."), {RoleKind.MANAGER}),
    )

and its ``ModuleConfig.navigation`` its entries, numbered in the order given::

    navigation = nav_items(
        (_("Leads"), "leads:lead_list", "person-lines-fill", VIEW),
        (_("Pipelines"), "leads:pipeline_list", "diagram-3", MANAGE),
        order=20,
    )
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from opsbase.kernel.policy import Predicate, is_membership, register, tenant_wide
from opsbase.kernel.roles.constants import RoleKind
from opsbase.web.navigation import NavItem

#: The built-in role kinds a right is given to by default: Managers, or Managers and Users
#: (Admins hold every right).
MANAGERS = frozenset({RoleKind.MANAGER})
MEMBERS = frozenset({RoleKind.MANAGER, RoleKind.USER})


def owned(field: str = "owner") -> Predicate:
    """Admin and Manager reach every record of the organization; anyone else the records
    whose *field* (a foreign key to Membership) is them."""
    return tenant_wide | is_membership(field)


def not_membership(field: str) -> Predicate:
    """The record's *field* (a foreign key to Membership) is not the acting membership: a
    separation of duties (who raised or wrote a record never signs it off)."""
    return _NotMembership(field)


@dataclass(frozen=True)
class _NotMembership(Predicate):
    field: str

    def q(self, membership: Any) -> Q:
        return ~Q(**{f"{self.field}_id": membership.pk})

    def test(self, membership: Any, obj: object) -> bool:
        return bool(getattr(obj, f"{self.field}_id") != membership.pk)


def role_grants(codename: str) -> Predicate:
    """The acting membership's role holds *codename*: every record of the organization (a
    custom role given a "see all" right), else none."""
    return _RoleGrants(codename)


_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class _RoleGrants(Predicate):
    codename: str

    def q(self, membership: Any) -> Q:
        return Q() if membership.role.grants(self.codename) else _NOTHING

    def test(self, membership: Any, obj: object) -> bool:
        return bool(membership.role.grants(self.codename))

    def row_fields(self) -> frozenset[str] | None:
        return frozenset()  # decided by the role alone

    def member_values(self, membership: Any) -> dict[str, Any] | None:
        return {}


@dataclass(frozen=True)
class Permission:
    """One right of a module: its codename, what the role editor calls it, the reason given
    when it is refused, the built-in role kinds holding it by default, and the records it
    reaches (``scope``; all of the organization's when left out)."""

    codename: str
    label: Any
    denial: Any
    default_kinds: Collection[str] = field(default_factory=frozenset)
    scope: Predicate | None = None


def permissions_register(*permissions: Permission) -> tuple[str, ...]:
    """Register every permission with the policy; their codenames, in order."""
    for permission in permissions:
        extra = {} if permission.scope is None else {"scope": permission.scope}
        register(
            codename=permission.codename,
            label=permission.label,
            denial=permission.denial,
            default_kinds=frozenset(permission.default_kinds),
            **extra,
        )
    return tuple(permission.codename for permission in permissions)


def nav_items(
    *entries: tuple[Any, str, str, str | None], order: int = 100, section: str = "main"
) -> tuple[NavItem, ...]:
    """Sidebar entries from ``(label, url name, icon, codename)`` rows, ordered from *order*
    on in the order given, all in *section*."""
    return tuple(
        NavItem(
            label=label,
            url_name=url_name,
            icon=icon,
            codename=codename,
            section=section,
            order=order + position,
        )
        for position, (label, url_name, icon, codename) in enumerate(entries)
    )


def on_tenant_created(setup: str | Callable[..., Any], *, uid: str) -> None:
    """Have every new organization set up by *setup* (a function, or its dotted path),
    called with ``tenant_id=`` (not for rows loaded from fixtures). Call it from ``ready``;
    *uid* keeps it connected once."""
    from django.db.models.signals import post_save
    from django.utils.module_loading import import_string

    from opsbase.kernel.tenants.models import Tenant

    def created(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any) -> None:
        if created and not raw:
            (import_string(setup) if isinstance(setup, str) else setup)(tenant_id=instance.pk)

    post_save.connect(created, sender=Tenant, dispatch_uid=uid, weak=False)
