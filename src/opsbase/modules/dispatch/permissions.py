"""Who may do what with dispatch notes: everyone with the codename sees the organization's;
Managers write them. The Technician (view) and Production Manager (everything) templates are
declared in ``apps.py``. Issuing a note also needs the drill-bit moves it makes."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind

from .constants import ADD, CHANGE, DELETE, VIEW

_EVERYONE = {RoleKind.MANAGER, RoleKind.USER}
_MANAGERS = {RoleKind.MANAGER}

register(
    codename=VIEW,
    label=_("See dispatch notes"),
    denial=_("Your role cannot see dispatch notes."),
    default_kinds=_EVERYONE,
)
register(
    codename=ADD,
    label=_("Add dispatch notes"),
    denial=_("Your role cannot add dispatch notes."),
    default_kinds=_MANAGERS,
)
register(
    codename=CHANGE,
    label=_("Edit, issue and cancel dispatch notes"),
    denial=_("Your role cannot change dispatch notes."),
    default_kinds=_MANAGERS,
)
register(
    codename=DELETE,
    label=_("Delete dispatch notes"),
    denial=_("Your role cannot delete dispatch notes."),
    default_kinds=_MANAGERS,
)
