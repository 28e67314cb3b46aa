"""Who may do what with customers: Admins and Managers keep them; Users see none by default.
The Billing and Production Manager templates hold them too (their modules say so)."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register, tenant_wide
from opsbase.kit.registration import MANAGERS

from .constants import ADD, CHANGE, DELETE, VIEW

register(
    codename=VIEW,
    label=_("See customers"),
    scope=tenant_wide,
    denial=_("Your role cannot see customers."),
    default_kinds=MANAGERS,
)
register(
    codename=ADD,
    label=_("Add customers"),
    denial=_("Your role cannot add customers."),
    default_kinds=MANAGERS,
)
register(
    codename=CHANGE,
    label=_("Edit customers"),
    scope=tenant_wide,
    denial=_("Your role cannot edit customers."),
    default_kinds=MANAGERS,
)
register(
    codename=DELETE,
    label=_("Delete customers"),
    scope=tenant_wide,
    denial=_("Your role cannot delete customers."),
    default_kinds=MANAGERS,
)
