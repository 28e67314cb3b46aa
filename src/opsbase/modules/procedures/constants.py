"""Permissions, states and the workflow of a procedure version."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow

VIEW = "procedures.view_procedure"
ADD = "procedures.add_procedure"
CHANGE = "procedures.change_procedure"
APPROVE = "procedures.approve_procedure"
ACKNOWLEDGE = "procedures.acknowledge_procedure"
DELETE = "procedures.delete_procedure"

ALL_CODENAMES = (VIEW, ADD, CHANGE, APPROVE, ACKNOWLEDGE, DELETE)

#: The file types a procedure may carry as its attachment.
ATTACHMENT_TYPES = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "odt", "txt", "md")

#: The hook the workorders module asks before a work order moves (``opsbase.kit.hooks``).
WORKORDER_BLOCKER_HOOK = "procedures.workorder_transition_blocker"


class ProcedureState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


STATE_BADGES = {
    ProcedureState.DRAFT: "text-bg-light border",
    ProcedureState.IN_REVIEW: "text-bg-info",
    ProcedureState.APPROVED: "text-bg-success",
    ProcedureState.SUPERSEDED: "text-bg-dark",
}

EFFECTS = "opsbase.modules.procedures.services.procedure_state_effects"

PROCEDURE_WORKFLOW = Workflow(
    states=ProcedureState,
    initial=ProcedureState.DRAFT,
    transitions=[
        Transition(
            "submit",
            source=ProcedureState.DRAFT,
            target=ProcedureState.IN_REVIEW,
            codename=CHANGE,
            effects=EFFECTS,
            label=_("Submit for review"),
        ),
        Transition(
            "return",
            source=ProcedureState.IN_REVIEW,
            target=ProcedureState.DRAFT,
            codename=CHANGE,
            effects=EFFECTS,
            optional_fields=("reason",),
            label=_("Back to draft"),
        ),
        Transition(
            "approve",
            source=ProcedureState.IN_REVIEW,
            target=ProcedureState.APPROVED,
            codename=APPROVE,
            effects=EFFECTS,
            label=_("Approve"),
        ),
        Transition(
            "supersede",
            source=ProcedureState.APPROVED,
            target=ProcedureState.SUPERSEDED,
            codename=CHANGE,
            effects=EFFECTS,
            label=_("Withdraw (superseded)"),
        ),
    ],
)
