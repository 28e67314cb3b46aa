"""Who may do what in billing: Admins hold every codename; the "Billing" template holds them
for a custom role; Managers and Users hold none by default."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy, register, tenant_wide
from opsbase.modules.customers import constants as customers

from .constants import ALL_CODENAMES, ISSUE, MANAGE, RECORD_PAYMENT, VIEW, VOID

register(
    codename=VIEW,
    label=_("See customers, invoices and payments"),
    scope=tenant_wide,
    denial=_("Your role cannot see billing."),
    default_kinds=set(),
)
register(
    codename=MANAGE,
    label=_("Change customers, products and draft invoices"),
    scope=tenant_wide,
    denial=_("Your role cannot change billing records."),
    default_kinds=set(),
)
register(
    codename=ISSUE,
    label=_("Issue invoices and credit notes"),
    scope=tenant_wide,
    denial=_("Your role cannot issue invoices."),
    default_kinds=set(),
)
register(
    codename=RECORD_PAYMENT,
    label=_("Record payments"),
    scope=tenant_wide,
    denial=_("Your role cannot record payments."),
    default_kinds=set(),
)
register(
    codename=VOID,
    label=_("Void invoices"),
    scope=tenant_wide,
    denial=_("Your role cannot void invoices."),
    default_kinds=set(),
)
policy.register_template(
    "billing",
    name=_("Billing"),
    description=_("Keeps customers and products, issues invoices and records payments."),
    # Invoices need customers: the template keeps them too.
    permissions=ALL_CODENAMES + customers.ALL_CODENAMES,
)
