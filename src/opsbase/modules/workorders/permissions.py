"""Who may do what with work orders. Admins, Managers and roles holding "work on every work
order" (the Production Manager template) reach every order of the organization; anyone else
only the orders assigned to them. Each rule's scope gives both the object check and the list
filter."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import is_membership, register, tenant_wide
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.registration import role_grants

from .constants import ADD, CHANGE, DELETE, MANAGE, VIEW, WORK

every_order = tenant_wide | role_grants(MANAGE)
assigned = is_membership("assignee")

register(
    codename=VIEW,
    label=_("See work orders"),
    scope=every_order | assigned,
    denial=_("You can only see work orders assigned to you."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=MANAGE,
    label=_("See and work on every work order of the organization"),
    denial=_("Only a Manager can work on every work order."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=ADD,
    label=_("Create work orders"),
    denial=_("Only a Manager can create work orders."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=CHANGE,
    label=_("Edit, plan, release, complete and cancel work orders"),
    scope=every_order,
    denial=_("Only a Manager can edit, plan or close this work order."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=WORK,
    label=_("Work on work orders: start, hold, send to QC, tick operations, issue parts"),
    scope=every_order | assigned,
    denial=_("Only the assignee or a Manager can work on this work order."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=DELETE,
    label=_("Delete draft work orders"),
    scope=every_order,
    denial=_("Only a Manager can delete this work order."),
    default_kinds={RoleKind.MANAGER},
)
