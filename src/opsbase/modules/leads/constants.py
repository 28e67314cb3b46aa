"""Choices of leads, the default pipeline, the scoring rules' defaults and the codenames."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kit.deal_constants import CONTACT_FIELDS, DEAL_FIELDS
from opsbase.kit.stage_kinds import StageKind

VIEW = "leads.view_lead"
ADD = "leads.add_lead"
CHANGE = "leads.change_lead"
DELETE = "leads.delete_lead"
REOPEN = "leads.reopen_lead"
MERGE = "leads.merge_lead"
MANAGE = "leads.manage_pipelines"
ALL_CODENAMES = (VIEW, ADD, CHANGE, DELETE, REOPEN, MERGE, MANAGE)


class LeadSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    REFERRAL = "referral", _("Referral")
    CAMPAIGN = "campaign", _("Campaign")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Manual")
    OTHER = "other", _("Other")


# What a member sets of a lead (besides its tracking fields): the kit's contact and deal
# fields, and where it came from.
LEAD_FIELDS = [*CONTACT_FIELDS, "source", *DEAL_FIELDS]

# The pipeline every new organization starts with: (name, kind, fields required to enter).
DEFAULT_PIPELINE = _("Sales")
DEFAULT_STAGES = (
    (_("New"), StageKind.OPEN, ()),
    (_("Contacted"), StageKind.OPEN, ()),
    (_("Qualified"), StageKind.OPEN, ()),
    (_("Proposal"), StageKind.OPEN, ("value",)),
    (_("Won"), StageKind.WON, ("value",)),
    (_("Lost"), StageKind.LOST, ("lost_reason",)),
)
DEFAULT_LOST_REASONS = (_("Price"), _("Chose a competitor"), _("No budget"), _("No answer"))

# Scoring: rule key -> points, unless the organization sets its own (ScoringRule).
DEFAULT_SCORING = {
    "source:referral": 20,
    "source:web_form": 15,
    "source:campaign": 10,
    "source:import": 5,
    "source:manual": 5,
    "complete:email": 5,
    "complete:phone": 5,
    "complete:company": 5,
    "complete:value": 10,
    "activity:recent": 15,  # an activity in the last 14 days
    "stage:step": 5,  # per open stage passed
    "decay:week": -2,  # per week without activity, beyond the first
}
