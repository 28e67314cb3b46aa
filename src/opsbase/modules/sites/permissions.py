"""Who may do what with rigs and wells: everyone with the codename sees the organization's
(they are where the work happens); Managers keep them. The Technician and Production Manager
templates hold them too (``apps.py``)."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind

from .constants import (
    ADD_RIG,
    ADD_WELL,
    CHANGE_RIG,
    CHANGE_WELL,
    DELETE_RIG,
    DELETE_WELL,
    VIEW_RIG,
    VIEW_WELL,
)

_EVERYONE = {RoleKind.MANAGER, RoleKind.USER}
_MANAGERS = {RoleKind.MANAGER}

register(
    codename=VIEW_RIG,
    label=_("See rigs"),
    denial=_("Your role cannot see rigs."),
    default_kinds=_EVERYONE,
)
register(
    codename=ADD_RIG,
    label=_("Add rigs"),
    denial=_("Your role cannot add rigs."),
    default_kinds=_MANAGERS,
)
register(
    codename=CHANGE_RIG,
    label=_("Edit rigs"),
    denial=_("Your role cannot edit rigs."),
    default_kinds=_MANAGERS,
)
register(
    codename=DELETE_RIG,
    label=_("Delete rigs"),
    denial=_("Your role cannot delete rigs."),
    default_kinds=_MANAGERS,
)
register(
    codename=VIEW_WELL,
    label=_("See wells"),
    denial=_("Your role cannot see wells."),
    default_kinds=_EVERYONE,
)
register(
    codename=ADD_WELL,
    label=_("Add wells"),
    denial=_("Your role cannot add wells."),
    default_kinds=_MANAGERS,
)
register(
    codename=CHANGE_WELL,
    label=_("Edit wells"),
    denial=_("Your role cannot edit wells."),
    default_kinds=_MANAGERS,
)
register(
    codename=DELETE_WELL,
    label=_("Delete wells"),
    denial=_("Your role cannot delete wells."),
    default_kinds=_MANAGERS,
)
