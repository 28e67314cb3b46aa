from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy, register

register(
    codename="roles.manage_roles",
    label=_("Manage roles"),
    denial=_("Only an Admin can manage roles."),
)

# Role templates: suggested custom roles. The kernel declares them with its own codenames;
# each installed module grants its codenames to them (``ModuleConfig.role_templates``).
policy.register_template(
    "qc-inspector",
    name=_("QC Inspector"),
    description=_("Inspects work and records quality findings."),
    permissions=[],
)
policy.register_template(
    "technician",
    name=_("Technician"),
    description=_("Carries out assigned work and updates its status."),
    permissions=[],
)
policy.register_template(
    "production-manager",
    name=_("Production Manager"),
    description=_("Plans and follows production work across the organization."),
    permissions=["audit.view_auditevent"],
)
policy.register_template(
    "administrator",
    name=_("Administrator"),
    description=_("Looks after members, invitations and roles, and reads the audit log."),
    permissions=[
        "tenants.manage_members",
        "tenants.manage_invitations",
        "roles.manage_roles",
        "audit.view_auditevent",
    ],
)
