"""Policy rules of the API app (``permissions.py`` holds the DRF permission classes).

Tokens are credentials, so the tenant-wide reach of Managers stops here: everyone manages
their own tokens, and only an Admin may also revoke another member's (e.g. one that leaked).
"""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import is_membership, kinds, register
from opsbase.kernel.roles.constants import RoleKind

MANAGE_TOKENS = "api.manage_tokens"

register(
    codename=MANAGE_TOKENS,
    label=_("Use and manage own API tokens"),
    scope=kinds(RoleKind.ADMIN) | is_membership("membership"),
    denial=_("Only its owner or an Admin can manage this API token."),
    default_kinds={RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER},
)
