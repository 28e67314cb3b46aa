from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Task


@admin.register(Task)
class TaskAdmin(TenantReadOnlyAdmin):
    """Every organization's tasks, read-only: tasks change in the app, through the services,
    so every change is checked and audited."""

    list_display = ["title", "tenant", "status", "priority", "due_date", "owner", "assignee_email"]
    list_filter = ["status", "priority", "tenant", "due_date"]
    search_fields = ["title", "description", "owner__email", "tenant__name"]
    list_select_related = ["tenant", "owner", "assignee__user"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]

    @admin.display(description="assignee", ordering="assignee__user__email")
    def assignee_email(self, task: Task) -> str:
        return task.assignee.user.email if task.assignee is not None else "—"
