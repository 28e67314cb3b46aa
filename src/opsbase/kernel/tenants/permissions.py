from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register

register(
    codename="tenants.manage_members",
    label=_("Manage members"),
    denial=_("Only an Admin can manage the members of this organization."),
)
register(
    codename="tenants.manage_invitations",
    label=_("Invite people"),
    denial=_("Only an Admin can invite people to this organization."),
)
