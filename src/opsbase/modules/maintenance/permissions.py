"""Who may do what with equipment and maintenance plans: they are the organization's
records, so every rule reaches every one of them."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind

from .constants import DELETE, MANAGE, RECORD_HOURS, VIEW

register(
    codename=VIEW,
    label=_("See equipment and maintenance plans"),
    denial=_("You cannot see equipment and maintenance plans."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=MANAGE,
    label=_("Add and edit equipment and maintenance plans"),
    denial=_("Only a Manager can change equipment and maintenance plans."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=RECORD_HOURS,
    label=_("Record the hours meter of equipment"),
    denial=_("You cannot record hours of equipment."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=DELETE,
    label=_("Delete equipment and maintenance plans"),
    denial=_("Only a Manager can delete equipment and maintenance plans."),
    default_kinds={RoleKind.MANAGER},
)
