from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import owns, register, tenant_wide
from opsbase.kernel.roles.constants import RoleKind

register(
    codename="testapp.work_ticket",
    label=_("Work on tickets"),
    scope=tenant_wide | owns("owner"),
    denial=_("Only the ticket's owner or a Manager can work on it."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename="testapp.cancel_ticket",
    label=_("Cancel tickets"),
    denial=_("Only a Manager can cancel or reopen tickets."),
    default_kinds={RoleKind.MANAGER},
)
