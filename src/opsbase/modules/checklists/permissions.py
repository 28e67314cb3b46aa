"""Who may do what with forms. Form templates and filled forms are the organization's: each
rule reaches every one of its records (another organization's answer 404)."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind

from .constants import ADD, CHANGE, DELETE, FILL, VIEW

register(
    codename=VIEW,
    label=_("See form templates and filled forms"),
    denial=_("You cannot see forms."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=ADD,
    label=_("Create and import form templates"),
    denial=_("Only a Manager or a QC Inspector can create form templates."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=CHANGE,
    label=_("Edit the fields of form templates and publish versions"),
    denial=_("Only a Manager or a QC Inspector can change form templates."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=DELETE,
    label=_("Delete form templates never published"),
    denial=_("Only an Admin can delete a form template."),
)
register(
    codename=FILL,
    label=_("Fill in forms (checklists, inspections)"),
    denial=_("You cannot fill in forms."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
