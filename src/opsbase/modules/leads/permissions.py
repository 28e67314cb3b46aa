"""Who may do what with leads: a User works on the leads they own; Admin and Manager on all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import is_membership, policy, register, tenant_wide
from opsbase.kernel.roles.constants import RoleKind

from .constants import ADD, ALL_CODENAMES, CHANGE, DELETE, MANAGE, MERGE, REOPEN, VIEW

VIEW_PIPELINES = "leads.view_pipeline"
mine = tenant_wide | is_membership("owner")
BOTH = {RoleKind.MANAGER, RoleKind.USER}

register(
    codename=VIEW,
    label=_("See leads"),
    scope=mine,
    denial=_("You can only see the leads you own."),
    default_kinds=BOTH,
)
register(
    codename=ADD,
    label=_("Create leads"),
    denial=_("Your role cannot create leads."),
    default_kinds=BOTH,
)
register(
    codename=CHANGE,
    label=_("Edit and move leads"),
    scope=mine,
    denial=_("Only the lead's owner or a Manager can change this lead."),
    default_kinds=BOTH,
)
register(
    codename=DELETE,
    label=_("Delete leads"),
    scope=mine,
    denial=_("Only the lead's owner or a Manager can delete this lead."),
    default_kinds=BOTH,
)
register(
    codename=REOPEN,
    label=_("Reopen won or lost leads"),
    scope=tenant_wide,
    denial=_("Only a Manager can reopen a won or lost lead."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=MERGE,
    label=_("Merge duplicate leads"),
    scope=mine,
    denial=_("Only a Manager or the owner of both leads can merge them."),
    default_kinds=BOTH,
)
register(
    codename=MANAGE,
    label=_("Manage pipelines, lead forms and scoring"),
    denial=_("Only a Manager can change pipelines, lead forms and scoring."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=VIEW_PIPELINES,
    label=_("See pipelines"),
    denial=_("Your role cannot see pipelines."),
    default_kinds=BOTH,
)
policy.register_template(
    "sales",
    name=_("Sales"),
    description=_("Works on leads: creates, qualifies, moves and merges them."),
    permissions=[VIEW_PIPELINES, *[c for c in ALL_CODENAMES if c not in (REOPEN, MANAGE)]],
)
