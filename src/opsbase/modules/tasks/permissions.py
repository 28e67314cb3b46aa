"""Who may do what with tasks. Each rule's scope gives both the object check and the list filter."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import is_membership, owns, tenant_wide
from opsbase.kit.registration import (
    MANAGERS,
    MEMBERS,
    Permission,
    permissions_register,
    role_grants,
)

from .constants import ADD, CHANGE, CHANGE_STATUS, DELETE, VIEW, VIEW_ALL

involved = owns("owner") | is_membership("assignee")
own = tenant_wide | owns("owner")

permissions_register(
    Permission(
        VIEW,
        _("See tasks"),
        _("You can only see tasks you own or are assigned to."),
        MEMBERS,
        tenant_wide | role_grants(VIEW_ALL) | involved,
    ),
    Permission(
        VIEW_ALL,
        _("See every task of the organization"),
        _("Only a Manager can see every task of the organization."),
        MANAGERS,
    ),
    Permission(ADD, _("Create tasks"), _("Your role cannot create tasks."), MEMBERS),
    Permission(
        CHANGE, _("Edit tasks"), _("Only the owner or a Manager can edit this task."), MEMBERS, own
    ),
    Permission(
        CHANGE_STATUS,
        _("Change the status of tasks"),
        _("Only the owner, the assignee or a Manager can change this task's status."),
        MEMBERS,
        tenant_wide | involved,
    ),
    Permission(
        DELETE,
        _("Delete tasks"),
        _("Only the owner or a Manager can delete this task."),
        MEMBERS,
        own,
    ),
)
