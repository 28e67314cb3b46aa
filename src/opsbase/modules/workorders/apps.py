from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.notifications import Channel, NotificationEvent
from opsbase.web.navigation import NavItem

from .constants import ADD, CHANGE, DELETE, MANAGE, VIEW, WORK


class WorkOrdersConfig(ModuleConfig):
    name = "opsbase.modules.workorders"
    label = "workorders"
    verbose_name = _("Work orders")
    url_prefix = "work-orders/"
    # Quality's hook "quality.workorder_completion_blocker" keeps an order whose inspection
    # failed in QC until an NCR disposition covers it (selectors.workorder_complete_blocker).
    # Quality builds on work orders, so it is not named here: that would be a cycle; the hook
    # answers None when quality is not installed.
    dependencies = ("customers", "inventory", "drillbits")
    # Procedures gate the start of an order through a hook (services.TRANSITION_GATE); not an
    # optional dependency: procedures depends on work orders, whose demo data must come first.
    notification_events = (
        NotificationEvent(
            "workorders.released",
            _("A work order is released to me"),
            default=(Channel.IN_APP, Channel.EMAIL),
        ),
    )
    navigation = (
        NavItem(
            label=_("Work orders"),
            url_name="workorders:workorder_list",
            icon="tools",
            codename=VIEW,
            order=35,
        ),
        NavItem(
            label=_("Planning"),
            url_name="workorders:workorder_planning",
            icon="calendar-week",
            codename=VIEW,
            order=36,
        ),
    )
    role_templates = {
        "technician": (VIEW, WORK),
        "production-manager": (VIEW, MANAGE, ADD, CHANGE, WORK, DELETE),
    }
    search_fields = {"workorder": ("number", "title", "customer__name", "notes")}
    api_enum_names = {
        "WorkOrderStateEnum": "opsbase.modules.workorders.constants.WorkOrderState",
        "WorkOrderTypeEnum": "opsbase.modules.workorders.constants.WorkOrderType",
        "WorkOrderPriorityEnum": "opsbase.modules.workorders.constants.WorkOrderPriority",
    }

    quick_create = (
        NavItem(
            label=_("Work order"),
            url_name="workorders:workorder_create",
            icon="clipboard-check",
            codename=ADD,
        ),
    )

    def dashboard_cards(self):
        from opsbase.web.dashboard import CountsCard

        from .views import workorder_dashboard_counts

        return (
            CountsCard(
                key="workorders",
                title=_("Work orders"),
                icon="tools",
                codename=VIEW,
                counts=workorder_dashboard_counts,
                order=35,
                versioned=True,
            ),
        )

    def dashboard_kpis(self):
        from opsbase.web.dashboard import KpiGroup, Tile

        from .dashboard import workorder_kpis

        shown = "workorders:workorder_list"
        return (
            KpiGroup(
                key="workorders",
                codename=VIEW,
                compute=workorder_kpis,
                order=60,
                tiles=(
                    Tile(
                        "running",
                        _("Work orders in progress"),
                        icon="gear-wide-connected",
                        url_name=shown,
                        query="state=in_progress",
                    ),
                    Tile(
                        "completed",
                        _("Work orders completed"),
                        icon="clipboard-check",
                        url_name=shown,
                        query="state=completed",
                    ),
                ),
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_workorders_seed

        demo_workorders_seed(tenant=tenant)
