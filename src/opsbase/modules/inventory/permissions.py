"""Who may do what with inventory. Stock is the organization's, not a member's: every rule
is organization-wide, and the kind of movement decides which permission it needs."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind

from .constants import ADJUST, ISSUE, MANAGE, VIEW

register(
    codename=VIEW,
    label=_("See items, locations and stock"),
    denial=_("Your role cannot see the inventory."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=MANAGE,
    label=_("Manage items and locations; receive, transfer and scrap stock"),
    denial=_("Only a Manager can manage items, locations and stock receipts."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=ISSUE,
    label=_("Issue parts from stock and return them"),
    denial=_("Your role cannot issue parts from stock."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=ADJUST,
    label=_("Adjust stock, count it and post before the last count"),
    denial=_("Only a Manager can adjust stock."),
    default_kinds={RoleKind.MANAGER},
)
