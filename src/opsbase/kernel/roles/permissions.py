from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy, register

register(
    codename="roles.manage_roles",
    label=_("Manage roles"),
    denial=_("Only an Admin can manage roles."),
)

# Role templates: suggested custom roles. Codenames of modules that are not installed are
# dropped when a template is applied, so templates can name modules that come later.
policy.register_template(
    "qc-inspector",
    name=_("QC Inspector"),
    description=_("Inspects work and records quality findings."),
    permissions=[
        "tasks.view_task",
        "tasks.add_task",
        "tasks.change_task",
        "quality.view_ncr",
        "quality.add_ncr",
        "quality.change_ncr",
    ],
)
policy.register_template(
    "technician",
    name=_("Technician"),
    description=_("Carries out assigned work and updates its status."),
    permissions=[
        "tasks.view_task",
        "tasks.change_task",
        "workorders.view_workorder",
        "workorders.change_workorder",
        "assets.view_asset",
    ],
)
policy.register_template(
    "production-manager",
    name=_("Production Manager"),
    description=_("Plans and follows production work across the organization."),
    permissions=[
        "tasks.view_task",
        "tasks.add_task",
        "tasks.change_task",
        "tasks.delete_task",
        "workorders.view_workorder",
        "workorders.add_workorder",
        "workorders.change_workorder",
        "inventory.view_item",
        "assets.view_asset",
        "audit.view_auditevent",
    ],
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
