"""Who may do what with leads: a User works on the leads they own; Admin and Manager on all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import policy, tenant_wide
from opsbase.kit.registration import MANAGERS, MEMBERS, Permission, owned, permissions_register

from .constants import ADD, ALL_CODENAMES, CHANGE, DELETE, MANAGE, MERGE, REOPEN, VIEW

VIEW_PIPELINES = "leads.view_pipeline"
mine = owned("owner")

permissions_register(
    Permission(VIEW, _("See leads"), _("You can only see the leads you own."), MEMBERS, mine),
    Permission(ADD, _("Create leads"), _("Your role cannot create leads."), MEMBERS),
    Permission(
        CHANGE,
        _("Edit and move leads"),
        _("Only the lead's owner or a Manager can change this lead."),
        MEMBERS,
        mine,
    ),
    Permission(
        DELETE,
        _("Delete leads"),
        _("Only the lead's owner or a Manager can delete this lead."),
        MEMBERS,
        mine,
    ),
    Permission(
        REOPEN,
        _("Reopen won or lost leads"),
        _("Only a Manager can reopen a won or lost lead."),
        MANAGERS,
        tenant_wide,
    ),
    Permission(
        MERGE,
        _("Merge duplicate leads"),
        _("Only a Manager or the owner of both leads can merge them."),
        MEMBERS,
        mine,
    ),
    Permission(
        MANAGE,
        _("Manage pipelines, lead forms and scoring"),
        _("Only a Manager can change pipelines, lead forms and scoring."),
        MANAGERS,
    ),
    Permission(VIEW_PIPELINES, _("See pipelines"), _("Your role cannot see pipelines."), MEMBERS),
)
policy.register_template(
    "sales",
    name=_("Sales"),
    description=_("Works on leads: creates, qualifies, moves and merges them."),
    permissions=[VIEW_PIPELINES, *[c for c in ALL_CODENAMES if c not in (REOPEN, MANAGE)]],
)
