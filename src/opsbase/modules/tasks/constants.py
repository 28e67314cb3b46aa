"""Choices of a task and its workflow: the states and every allowed move between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Workflow
from opsbase.kit.transitions import transitions_table

VIEW = "tasks.view_task"
VIEW_ALL = "tasks.view_all_tasks"
ADD = "tasks.add_task"
CHANGE = "tasks.change_task"
CHANGE_STATUS = "tasks.change_task_status"
DELETE = "tasks.delete_task"

TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 200


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# States in which a task still needs work (the "overdue" filter looks only at these).
OPEN_STATUSES = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


class TaskPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Sorting by priority follows this rank, not the alphabet.
PRIORITY_RANK = {
    TaskPriority.LOW: 1,
    TaskPriority.NORMAL: 2,
    TaskPriority.HIGH: 3,
    TaskPriority.URGENT: 4,
}

# Badge classes of each value on pages.
STATUS_BADGES = {
    TaskStatus.TODO: "text-bg-secondary",
    TaskStatus.IN_PROGRESS: "text-bg-primary",
    TaskStatus.BLOCKED: "text-bg-warning",
    TaskStatus.DONE: "text-bg-success",
    TaskStatus.CANCELLED: "text-bg-dark",
}
PRIORITY_BADGES = {
    TaskPriority.LOW: "text-bg-light border",
    TaskPriority.NORMAL: "text-bg-info",
    TaskPriority.HIGH: "text-bg-warning",
    TaskPriority.URGENT: "text-bg-danger",
}

# Every move keeps ``completed_at`` true to the status: set on reaching Done, cleared on
# leaving it; the workflow saves and audits it with the status.
COMPLETION = "opsbase.modules.tasks.services.task_completion_effects"

TASK_WORKFLOW = Workflow(
    states=TaskStatus,
    initial=TaskStatus.TODO,
    transitions=transitions_table(
        ("start", {TaskStatus.TODO, TaskStatus.BLOCKED}, TaskStatus.IN_PROGRESS, _("Start")),
        ("block", {TaskStatus.TODO, TaskStatus.IN_PROGRESS}, TaskStatus.BLOCKED, _("Block")),
        ("complete", OPEN_STATUSES, TaskStatus.DONE, _("Complete")),
        ("cancel", OPEN_STATUSES, TaskStatus.CANCELLED, _("Cancel")),
        ("reopen", {TaskStatus.DONE, TaskStatus.CANCELLED}, TaskStatus.TODO, _("Reopen")),
        codename=CHANGE_STATUS,
        effects=COMPLETION,
    ),
)
