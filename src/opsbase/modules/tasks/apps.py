from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.dashboards import DeclaredDashboard, lazy
from opsbase.kit.notifications import Channel, NotificationEvent
from opsbase.kit.registration import nav_items
from opsbase.web.dashboard import Chart, CountsCard, KpiGroup, Tile
from opsbase.web.navigation import NavItem

from .constants import ADD, CHANGE, CHANGE_STATUS, DELETE, VIEW, VIEW_ALL

SHOWN = "tasks:task_list"


class TasksConfig(DeclaredDashboard, ModuleConfig):
    name = "opsbase.modules.tasks"
    label = "tasks"
    verbose_name = _("Tasks")
    url_prefix = "tasks/"
    navigation = nav_items(
        (_("My tasks"), "tasks:task_list", "check2-square", VIEW),
        (_("All tasks"), "tasks:task_all", "list-check", VIEW_ALL),
        order=10,
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

    dashboard = (
        CountsCard(
            key="tasks",
            title=_("Tasks"),
            icon="check2-square",
            codename=VIEW,
            counts=lazy("opsbase.modules.tasks.views.task_dashboard_counts"),
            order=10,
            versioned=True,
        ),
        KpiGroup(
            key="tasks",
            codename=VIEW,
            compute=lazy("opsbase.modules.tasks.dashboard.task_kpis"),
            order=10,
            tiles=(
                Tile("open", _("Open tasks"), icon="check2-square", better="down", url_name=SHOWN),
                Tile(
                    "overdue",
                    _("Overdue tasks"),
                    icon="alarm",
                    better="down",
                    url_name=SHOWN,
                    query="overdue=true",
                ),
                Tile(
                    "done", _("Tasks done"), icon="check2-all", url_name=SHOWN, query="status=done"
                ),
            ),
        ),
        Chart(
            key="tasks-done",
            title=_("Tasks done per week"),
            heading=_("Week of"),
            codename=VIEW,
            data=lazy("opsbase.modules.tasks.dashboard.tasks_done_per_week"),
            kind="bar",
            icon="check2-all",
            order=10,
        ),
    )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_tasks_seed

        demo_tasks_seed(tenant=tenant)
