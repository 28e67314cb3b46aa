"""Who may do what with tasks. Each rule's scope gives both the object check and the list filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import Predicate, is_membership, owns, register, tenant_wide
from opsbase.kernel.roles.constants import RoleKind

from .constants import ADD, CHANGE, CHANGE_STATUS, DELETE, VIEW, VIEW_ALL

if TYPE_CHECKING:
    from opsbase.kernel.tenants.models import Membership

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class _RoleGrants(Predicate):
    """The membership's role holds *codename*: lets a custom role see the whole organization."""

    codename: str

    def q(self, membership: Membership) -> Q:
        return Q() if membership.role.grants(self.codename) else _NOTHING

    def test(self, membership: Membership, obj: object) -> bool:
        return membership.role.grants(self.codename)


involved = owns("owner") | is_membership("assignee")

register(
    codename=VIEW,
    label=_("See tasks"),
    scope=tenant_wide | _RoleGrants(VIEW_ALL) | involved,
    denial=_("You can only see tasks you own or are assigned to."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=VIEW_ALL,
    label=_("See every task of the organization"),
    denial=_("Only a Manager can see every task of the organization."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=ADD,
    label=_("Create tasks"),
    denial=_("Your role cannot create tasks."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=CHANGE,
    label=_("Edit tasks"),
    scope=tenant_wide | owns("owner"),
    denial=_("Only the owner or a Manager can edit this task."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=CHANGE_STATUS,
    label=_("Change the status of tasks"),
    scope=tenant_wide | involved,
    denial=_("Only the owner, the assignee or a Manager can change this task's status."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=DELETE,
    label=_("Delete tasks"),
    scope=tenant_wide | owns("owner"),
    denial=_("Only the owner or a Manager can delete this task."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
