"""Who may do what with drill bits. Everyone with the codename sees the organization's bits
(a workshop shares its stock); the everyday moves are the workshop's, assigning and scrapping
a Manager's. The Technician and Production Manager templates are declared in ``apps.py``."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind

from .constants import ADD, ASSIGN, CHANGE, DELETE, MOVE, RECORD_RUN, SCRAP, VIEW

_EVERYONE = {RoleKind.MANAGER, RoleKind.USER}
_MANAGERS = {RoleKind.MANAGER}

register(
    codename=VIEW,
    label=_("See drill bits"),
    denial=_("Your role cannot see drill bits."),
    default_kinds=_EVERYONE,
)
register(
    codename=ADD,
    label=_("Add drill bits"),
    denial=_("Your role cannot add drill bits."),
    default_kinds=_MANAGERS,
)
register(
    codename=CHANGE,
    label=_("Edit drill bits"),
    denial=_("Your role cannot edit drill bits."),
    default_kinds=_MANAGERS,
)
register(
    codename=DELETE,
    label=_("Delete drill bits"),
    denial=_("Your role cannot delete drill bits."),
    default_kinds=_MANAGERS,
)
register(
    codename=MOVE,
    label=_("Move drill bits through the workshop"),
    denial=_("Your role cannot move drill bits."),
    default_kinds=_EVERYONE,
)
register(
    codename=ASSIGN,
    label=_("Assign drill bits to rigs and wells"),
    denial=_("Your role cannot assign drill bits to rigs and wells."),
    default_kinds=_MANAGERS,
)
register(
    codename=SCRAP,
    label=_("Scrap drill bits"),
    denial=_("Your role cannot scrap drill bits."),
    default_kinds=_MANAGERS,
)
register(
    codename=RECORD_RUN,
    label=_("Record drill bit runs"),
    denial=_("Your role cannot record drill bit runs."),
    default_kinds=_EVERYONE,
)
