from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.notifications import Channel, NotificationEvent
from opsbase.web.navigation import NavItem

from .constants import ADD, CHANGE, CHANGE_STATUS, DELETE, VIEW, VIEW_ALL


class TasksConfig(ModuleConfig):
    name = "opsbase.modules.tasks"
    label = "tasks"
    verbose_name = _("Tasks")
    url_prefix = "tasks/"
    navigation = (
        NavItem(
            label=_("My tasks"),
            url_name="tasks:task_list",
            icon="check2-square",
            codename=VIEW,
            order=10,
        ),
        NavItem(
            label=_("All tasks"),
            url_name="tasks:task_all",
            icon="list-check",
            codename=VIEW_ALL,
            order=11,
        ),
    )
    role_templates = {
        "qc-inspector": (VIEW, ADD, CHANGE),
        "technician": (VIEW, CHANGE, CHANGE_STATUS),
        "production-manager": (VIEW, VIEW_ALL, ADD, CHANGE, CHANGE_STATUS, DELETE),
    }
    search_fields = {"task": ("title", "description")}
    api_enum_names = {"TaskStatusEnum": "opsbase.modules.tasks.constants.TaskStatus"}
    notification_events = (
        NotificationEvent(
            "tasks.assigned",
            _("A task is assigned to me"),
            default=(Channel.IN_APP, Channel.EMAIL),
        ),
    )

    quick_create = (
        NavItem(label=_("Task"), url_name="tasks:task_create", icon="check2-square", codename=ADD),
    )

    def dashboard_cards(self):
        from opsbase.web.dashboard import CountsCard

        from .views import task_dashboard_counts

        return (
            CountsCard(
                key="tasks",
                title=_("Tasks"),
                icon="check2-square",
                codename=VIEW,
                counts=task_dashboard_counts,
                order=10,
                versioned=True,
            ),
        )

    def dashboard_kpis(self):
        from opsbase.web.dashboard import KpiGroup, Tile

        from .dashboard import task_kpis

        shown = "tasks:task_list"
        return (
            KpiGroup(
                key="tasks",
                codename=VIEW,
                compute=task_kpis,
                order=10,
                tiles=(
                    Tile(
                        "open", _("Open tasks"), icon="check2-square", better="down", url_name=shown
                    ),
                    Tile(
                        "overdue",
                        _("Overdue tasks"),
                        icon="alarm",
                        better="down",
                        url_name=shown,
                        query="overdue=true",
                    ),
                    Tile(
                        "done",
                        _("Tasks done"),
                        icon="check2-all",
                        url_name=shown,
                        query="status=done",
                    ),
                ),
            ),
        )

    def dashboard_charts(self):
        from opsbase.web.dashboard import Chart

        from .dashboard import tasks_done_per_week

        return (
            Chart(
                key="tasks-done",
                title=_("Tasks done per week"),
                heading=_("Week of"),
                codename=VIEW,
                data=tasks_done_per_week,
                kind="bar",
                icon="check2-all",
                order=10,
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_tasks_seed

        demo_tasks_seed(tenant=tenant)
