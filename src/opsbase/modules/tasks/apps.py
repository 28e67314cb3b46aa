from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "opsbase.modules.tasks"
    label = "tasks"
    verbose_name = _("Tasks")
    default_auto_field = "django.db.models.BigAutoField"

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_tasks_seed

        demo_tasks_seed(tenant=tenant)

    def ready(self) -> None:
        from opsbase.web import dashboard, navigation

        from . import caching, permissions, signals  # noqa: F401

        signals.connect()
        dashboard.register(
            dashboard.CountsCard(
                key="tasks",
                title=_("Tasks"),
                icon="check2-square",
                codename="tasks.view_task",
                counts=caching.task_dashboard_counts,
                order=10,
                versioned=True,
            )
        )

        navigation.register(
            navigation.NavItem(
                label=_("My tasks"),
                url_name="tasks:task_list",
                icon="check2-square",
                codename="tasks.view_task",
                order=10,
            )
        )
        navigation.register(
            navigation.NavItem(
                label=_("All tasks"),
                url_name="tasks:task_all",
                icon="list-check",
                codename="tasks.view_all_tasks",
                order=11,
            )
        )
