"""Task pages: my tasks, all tasks, and the kit's record pages over TASKS."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.kit.caching import counts_cached
from opsbase.kit.views import ListPage, Pages

from .constants import VIEW, VIEW_ALL
from .entity import TASKS
from .forms import TaskForm
from .selectors import task_counts, task_filter_mine

SORT_CHOICES = (
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("due_date", _("Due soonest")),
    ("-due_date", _("Due latest")),
    ("-priority", _("Highest priority")),
    ("priority", _("Lowest priority")),
    ("title", _("Title A–Z")),
    ("-title", _("Title Z–A")),
    ("status", _("Status")),
    ("-updated_at", _("Recently changed")),
)


class TaskPages(Pages):
    entity = TASKS
    form_class = TaskForm
    lists = (
        ListPage(
            "task_list",
            "",
            codename=VIEW,
            heading=_("My tasks"),
            scope=lambda tasks, membership: task_filter_mine(tasks, membership),
            empty_title=_("You have no tasks yet."),
            empty_text=_("Tasks you create or that are assigned to you show up here."),
            icon="check2-square",
            sort_choices=SORT_CHOICES,
            views=((_("My overdue"), "overdue=true"),),
        ),
        ListPage(
            "task_all",
            "all/",
            codename=VIEW_ALL,
            heading=_("All tasks"),
            empty_title=_("This organization has no tasks yet."),
            icon="check2-square",
            sort_choices=SORT_CHOICES,
            views=((_("Unassigned"), "assignee=null"), (_("Overdue"), "overdue=true")),
        ),
    )
    import_fields = ("title", "description", "priority", "due_date", "assignee")


def task_dashboard_counts(membership) -> list[tuple[object, int, str | None]]:
    """The dashboard's task counts for *membership* (cached per tenant version and scope)."""
    counts = counts_cached(
        "tasks.task:counts", membership, VIEW, lambda: task_counts(membership=membership)
    )
    # The list that holds exactly the tasks counted: every task, or the member's own.
    shown = reverse("tasks:task_all" if membership.role.grants(VIEW_ALL) else "tasks:task_list")
    return [
        (_("Open"), counts["open"], None),
        (_("Overdue"), counts["overdue"], f"{shown}?overdue=true"),
        (_("Done"), counts["done"], f"{shown}?status=done"),
    ]
