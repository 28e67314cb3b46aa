"""The maintenance module, declared once: equipment and maintenance plans, their pages, API,
navigation, permissions, role templates, the daily scheduler (Celery beat), the dashboard
card and demo data are found from here (no shared file names it)."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ALL_CODENAMES, RECORD_HOURS, VIEW


class MaintenanceConfig(ModuleConfig):
    name = "opsbase.modules.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance")
    url_prefix = "maintenance/"
    dependencies = ("workorders",)
    navigation = (
        NavItem(
            label=_("Equipment"),
            url_name="maintenance:equipment_list",
            icon="gear-wide-connected",
            codename=VIEW,
            order=41,
        ),
        NavItem(
            label=_("Maintenance plans"),
            url_name="maintenance:maintenanceplan_list",
            icon="calendar-check",
            codename=VIEW,
            order=42,
        ),
    )
    role_templates = {
        # A technician sees the machines and plans, and reads the hours meters; the
        # generated orders reach them through the workorders module's own permissions.
        "technician": (VIEW, RECORD_HOURS),
        "production-manager": ALL_CODENAMES,
        "administrator": ALL_CODENAMES,
    }
    search_fields = {
        "equipment": ("code", "name", "location"),
        "maintenanceplan": ("title", "equipment__code", "equipment__name"),
    }
    api_enum_names = {"MaintenanceTriggerEnum": "opsbase.modules.maintenance.constants.Trigger"}
    beat_schedule = {
        "opsbase-maintenance-generate-due": {
            "task": "opsbase.maintenance.generate_due",
            "schedule": crontab(minute=15, hour=5),
        },
    }

    def dashboard_cards(self):
        from opsbase.web.dashboard import CountsCard

        from .views import maintenance_dashboard_counts

        return (
            CountsCard(
                key="maintenance",
                title=_("Maintenance"),
                icon="calendar-check",
                codename=VIEW,
                counts=maintenance_dashboard_counts,
                order=41,
                versioned=True,
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_maintenance_seed

        demo_maintenance_seed(tenant=tenant)
