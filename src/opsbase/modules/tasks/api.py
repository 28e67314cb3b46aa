"""Tasks API: ``/api/v1/tasks/`` (the kit's viewset over TASKS), with its documentation."""

from __future__ import annotations

from opsbase.kit.api import TenantModelViewSet

from .entity import TASKS
from .serializers import TaskSerializer


class TaskViewSet(TenantModelViewSet):
    """Tasks of the caller's organization."""

    entity = TASKS
    serializer_class = TaskSerializer
    example = {
        "id": 42,
        "title": "Replace the filter on line 2",
        "description": "The pressure drops after an hour.",
        "status": "in_progress",
        "status_label": "In progress",
        "priority": "high",
        "due_date": "2025-06-30",
        "is_overdue": False,
        "assignee": 7,
        "assignee_email": "ann@acme.test",
        "owner": {"id": 3, "email": "manager@acme.test"},
        "completed_at": None,
        "created_at": "2025-06-01T09:30:00Z",
        "updated_at": "2025-06-02T14:05:00Z",
    }
    create_example = {
        "title": "Replace the filter on line 2",
        "description": "The pressure drops after an hour.",
        "priority": "high",
        "due_date": "2025-06-30",
        "assignee": 7,
    }
    invalid_example = {
        "title": ["Title must be at least 3 characters."],
        "assignee": ["Choose a member of this organization."],
        "due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
    }
    patch_example = {"status": "done"}
    docs = {
        "list": {
            "description": "Tasks you may see: an Admin or Manager every task of the "
            "organization, others the tasks they own or are assigned to. Filters combine "
            "with AND."
        },
        "create": {
            "summary": "Create a task",
            "description": "You become its owner; it starts as `todo`. An assignee is e-mailed.",
        },
        "retrieve": {"summary": "One task, with the status changes possible now"},
        "update": {"summary": "Replace a task's fields"},
        "partial_update": {
            "summary": "Change some fields of a task",
            "description": "Editing needs the owner or a Manager; an assignee may send "
            "`status` alone.",
        },
        "destroy": {"summary": "Delete a task (its audit history stays)", "description": ""},
        "transition": {
            "summary": "Take a status transition",
            "description": "Move the task along one workflow transition (`start`, `block`, "
            "`complete`, `cancel`, `reopen`); 400 `invalid_transition` names those possible "
            "now.",
        },
    }
