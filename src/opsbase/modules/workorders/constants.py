"""Choices of a work order and its workflow: the states and every allowed move between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow

VIEW = "workorders.view_workorder"
MANAGE = "workorders.manage_workorders"
ADD = "workorders.add_workorder"
CHANGE = "workorders.change_workorder"
WORK = "workorders.work_workorder"
DELETE = "workorders.delete_workorder"

NUMBER_PREFIX = "WO"
HOURS_DIGITS = 7
HOURS_PLACES = 2


class WorkOrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    RELEASED = "released", _("Released")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    QC = "qc", _("QC")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# States in which a work order still needs work (the "overdue" count looks only at these).
OPEN_STATES = (
    WorkOrderState.DRAFT,
    WorkOrderState.PLANNED,
    WorkOrderState.RELEASED,
    WorkOrderState.IN_PROGRESS,
    WorkOrderState.ON_HOLD,
    WorkOrderState.QC,
)
# States in which its operations and parts may still change.
EDITABLE_STATES = (
    WorkOrderState.DRAFT,
    WorkOrderState.PLANNED,
    WorkOrderState.RELEASED,
    WorkOrderState.IN_PROGRESS,
    WorkOrderState.ON_HOLD,
)
# States in which the work is done on the floor: operations ticked, parts issued.
WORKING_STATES = (WorkOrderState.RELEASED, WorkOrderState.IN_PROGRESS)


class WorkOrderType(models.TextChoices):
    REPAIR = "repair", _("Repair")
    INSPECTION = "inspection", _("Inspection")
    REBUILD = "rebuild", _("Rebuild")
    MAINTENANCE = "maintenance", _("Maintenance")


class WorkOrderPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {
    WorkOrderPriority.LOW: 1,
    WorkOrderPriority.NORMAL: 2,
    WorkOrderPriority.HIGH: 3,
    WorkOrderPriority.URGENT: 4,
}

STATE_BADGES = {
    WorkOrderState.DRAFT: "text-bg-light border",
    WorkOrderState.PLANNED: "text-bg-secondary",
    WorkOrderState.RELEASED: "text-bg-info",
    WorkOrderState.IN_PROGRESS: "text-bg-primary",
    WorkOrderState.ON_HOLD: "text-bg-warning",
    WorkOrderState.QC: "text-bg-info",
    WorkOrderState.COMPLETED: "text-bg-success",
    WorkOrderState.CANCELLED: "text-bg-dark",
}
PRIORITY_BADGES = {
    WorkOrderPriority.LOW: "text-bg-light border",
    WorkOrderPriority.NORMAL: "text-bg-secondary",
    WorkOrderPriority.HIGH: "text-bg-warning",
    WorkOrderPriority.URGENT: "text-bg-danger",
}

# Every move keeps ``completed_at`` true to the state; the workflow saves and audits it with
# the state (and records when each state was entered in its time-in-state table).
EFFECTS = "opsbase.modules.workorders.services.workorder_state_effects"
GUARDS = "opsbase.modules.workorders.selectors"

WORKORDER_WORKFLOW = Workflow(
    states=WorkOrderState,
    initial=WorkOrderState.DRAFT,
    transitions=[
        Transition(
            "plan",
            source=WorkOrderState.DRAFT,
            target=WorkOrderState.PLANNED,
            codename=CHANGE,
            effects=EFFECTS,
            label=_("Plan"),
        ),
        Transition(
            "release",
            source=WorkOrderState.PLANNED,
            target=WorkOrderState.RELEASED,
            codename=CHANGE,
            effects=EFFECTS,
            guard=f"{GUARDS}.workorder_release_blocker",
            label=_("Release"),
        ),
        Transition(
            "start",
            source=WorkOrderState.RELEASED,
            target=WorkOrderState.IN_PROGRESS,
            codename=WORK,
            effects=EFFECTS,
            label=_("Start"),
        ),
        Transition(
            "hold",
            source={WorkOrderState.RELEASED, WorkOrderState.IN_PROGRESS},
            target=WorkOrderState.ON_HOLD,
            codename=WORK,
            effects=EFFECTS,
            optional_fields=("reason",),
            label=_("Put on hold"),
        ),
        Transition(
            "resume",
            source=WorkOrderState.ON_HOLD,
            target=WorkOrderState.RELEASED,
            codename=WORK,
            effects=EFFECTS,
            guard=f"{GUARDS}.workorder_resume_blocker",
            label=_("Resume (released)"),
        ),
        Transition(
            "resume_work",
            source=WorkOrderState.ON_HOLD,
            target=WorkOrderState.IN_PROGRESS,
            codename=WORK,
            effects=EFFECTS,
            label=_("Resume work"),
        ),
        Transition(
            "send_to_qc",
            source=WorkOrderState.IN_PROGRESS,
            target=WorkOrderState.QC,
            codename=WORK,
            effects=EFFECTS,
            guard=f"{GUARDS}.workorder_qc_blocker",
            label=_("Send to QC"),
        ),
        Transition(
            "rework",
            source=WorkOrderState.QC,
            target=WorkOrderState.IN_PROGRESS,
            codename=CHANGE,
            effects=EFFECTS,
            optional_fields=("reason",),
            label=_("Back to work"),
        ),
        Transition(
            "complete",
            source=WorkOrderState.QC,
            target=WorkOrderState.COMPLETED,
            codename=CHANGE,
            effects=EFFECTS,
            guard=f"{GUARDS}.workorder_complete_blocker",
            label=_("Complete"),
        ),
        Transition(
            "cancel",
            source=set(OPEN_STATES),
            target=WorkOrderState.CANCELLED,
            codename=CHANGE,
            effects=EFFECTS,
            optional_fields=("reason",),
            label=_("Cancel"),
        ),
    ],
)

# The planning board: the states it shows, and a member's hours of work in a day.
PLANNING_STATES = (WorkOrderState.PLANNED, WorkOrderState.RELEASED)
DAILY_CAPACITY_HOURS = 8
