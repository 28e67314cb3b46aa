"""Choices of a dispatch note and its workflow: Draft, then Issued (its bits move with it) or
Cancelled."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow

VIEW = "dispatch.view_dispatchnote"
ADD = "dispatch.add_dispatchnote"
CHANGE = "dispatch.change_dispatchnote"
DELETE = "dispatch.delete_dispatchnote"

ALL_CODENAMES = (VIEW, ADD, CHANGE, DELETE)
VIEW_CODENAMES = (VIEW,)

NUMBER_PREFIX = "DN"


class NoteKind(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound to the field")
    RETURN = "return", _("Return from the field")


class NoteState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


STATE_BADGES = {
    NoteState.DRAFT: "text-bg-light border",
    NoteState.ISSUED: "text-bg-success",
    NoteState.CANCELLED: "text-bg-dark",
}

EFFECTS = "opsbase.modules.dispatch.services.dispatchnote_state_effects"
ISSUE_GUARD = "opsbase.modules.dispatch.selectors.dispatchnote_issue_blocker"

DISPATCH_WORKFLOW = Workflow(
    states=NoteState,
    initial=NoteState.DRAFT,
    transitions=[
        Transition(
            "issue",
            source=NoteState.DRAFT,
            target=NoteState.ISSUED,
            codename=CHANGE,
            guard=ISSUE_GUARD,
            effects=EFFECTS,
            label=_("Issue"),
        ),
        Transition(
            "cancel",
            source=NoteState.DRAFT,
            target=NoteState.CANCELLED,
            codename=CHANGE,
            effects=EFFECTS,
            label=_("Cancel"),
        ),
    ],
)
