"""Choices of a non-conformance report (NCR), its dispositions, and its workflow: the states
and every allowed move between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow

VIEW = "quality.view_ncr"
ADD = "quality.add_ncr"
CHANGE = "quality.change_ncr"
DISPOSITION = "quality.disposition_ncr"
SIGN_OFF = "quality.sign_off"
APPROVE_CONCESSION = "quality.approve_concession"
DELETE = "quality.delete_ncr"

VIEW_INSPECTION = "quality.view_inspection"
ADD_INSPECTION = "quality.add_inspection"
CHANGE_INSPECTION = "quality.change_inspection"
DELETE_INSPECTION = "quality.delete_inspection"

NCR_CODENAMES = (VIEW, ADD, CHANGE, DISPOSITION, SIGN_OFF, APPROVE_CONCESSION, DELETE)
INSPECTION_CODENAMES = (VIEW_INSPECTION, ADD_INSPECTION, CHANGE_INSPECTION, DELETE_INSPECTION)
ALL_CODENAMES = (*NCR_CODENAMES, *INSPECTION_CODENAMES)
INSPECTION_PREFIX = "INS"

NUMBER_PREFIX = "NCR"
QUANTITY_DIGITS = 14
QUANTITY_PLACES = 3
WHY_FIELDS = ("why_1", "why_2", "why_3", "why_4", "why_5")


class NcrState(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Investigating")
    DISPOSITION = "disposition", _("Disposition")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (NcrState.OPEN, NcrState.INVESTIGATING, NcrState.DISPOSITION)


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}


class DispositionKind(models.TextChoices):
    USE_AS_IS = "use_as_is", _("Use as is")
    REWORK = "rework", _("Rework")
    REPAIR = "repair", _("Repair")
    SCRAP = "scrap", _("Scrap")
    RETURN_TO_VENDOR = "return_to_vendor", _("Return to vendor")


STATE_BADGES = {
    NcrState.OPEN: "text-bg-warning",
    NcrState.INVESTIGATING: "text-bg-info",
    NcrState.DISPOSITION: "text-bg-primary",
    NcrState.CLOSED: "text-bg-success",
    NcrState.CANCELLED: "text-bg-dark",
}
SEVERITY_BADGES = {
    Severity.MINOR: "text-bg-light border",
    Severity.MAJOR: "text-bg-warning",
    Severity.CRITICAL: "text-bg-danger",
}

GUARDS = "opsbase.modules.quality.selectors"
EFFECTS = "opsbase.modules.quality.services.ncr_state_effects"

NCR_WORKFLOW = Workflow(
    states=NcrState,
    initial=NcrState.OPEN,
    transitions=[
        Transition(
            "investigate",
            source=NcrState.OPEN,
            target=NcrState.INVESTIGATING,
            codename=CHANGE,
            effects=EFFECTS,
            label=_("Start the investigation"),
        ),
        Transition(
            "disposition",
            source=NcrState.INVESTIGATING,
            target=NcrState.DISPOSITION,
            codename=CHANGE,
            effects=EFFECTS,
            guard=f"{GUARDS}.ncr_disposition_blocker",
            label=_("Go to disposition"),
        ),
        Transition(
            "close",
            source=NcrState.DISPOSITION,
            target=NcrState.CLOSED,
            codename=SIGN_OFF,
            effects=EFFECTS,
            guard=f"{GUARDS}.ncr_close_blocker",
            label=_("Sign off and close"),
        ),
        Transition(
            "cancel",
            source=set(OPEN_STATES),
            target=NcrState.CANCELLED,
            codename=CHANGE,
            effects=EFFECTS,
            optional_fields=("reason",),
            label=_("Cancel"),
        ),
    ],
)


class InspectionResult(models.TextChoices):
    PASSED = "pass", _("Passed")
    FAILED = "fail", _("Failed")


RESULT_BADGES = {
    InspectionResult.PASSED: "text-bg-success",
    InspectionResult.FAILED: "text-bg-danger",
}
