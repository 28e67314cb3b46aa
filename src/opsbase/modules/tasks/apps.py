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

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_tasks_seed

        demo_tasks_seed(tenant=tenant)
