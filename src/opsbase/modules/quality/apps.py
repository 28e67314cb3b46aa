from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import (
    ADD,
    ADD_INSPECTION,
    ALL_CODENAMES,
    APPROVE_CONCESSION,
    CHANGE,
    CHANGE_INSPECTION,
    DISPOSITION,
    SIGN_OFF,
    VIEW,
    VIEW_INSPECTION,
)

# What a QC Inspector needs to act on a disposition, from the modules that carry it out: a
# rework order, the bit's repair or scrap, the stock's scrap or return to vendor.
_DISPOSITION_ACTIONS = (
    "workorders.view_workorder",
    "workorders.add_workorder",
    "drillbits.view_drillbit",
    "drillbits.move_drillbit",
    "drillbits.scrap_drillbit",
    "inventory.view",
    "inventory.issue",
    "inventory.manage",
)
# What inspecting needs besides quality's own codenames: the forms it fills in, and every work
# order of the organization in sight (at their QC step; without working on them).
_INSPECTING = (
    "checklists.view_formtemplate",
    "checklists.fill_form",
    "workorders.manage_workorders",
)


class QualityConfig(ModuleConfig):
    name = "opsbase.modules.quality"
    label = "quality"
    verbose_name = _("Quality")
    url_prefix = "quality/"
    dependencies = ("tasks", "drillbits", "workorders", "inventory", "checklists")
    navigation = (
        NavItem(
            label=_("Non-conformances"),
            url_name="quality:ncr_list",
            icon="exclamation-octagon",
            codename=VIEW,
            order=38,
        ),
        NavItem(
            label=_("Inspections"),
            url_name="quality:inspection_list",
            icon="clipboard2-check",
            codename=VIEW_INSPECTION,
            order=37,
        ),
    )
    role_templates = {
        "qc-inspector": (
            VIEW,
            ADD,
            CHANGE,
            DISPOSITION,
            SIGN_OFF,
            *_DISPOSITION_ACTIONS,
            VIEW_INSPECTION,
            ADD_INSPECTION,
            CHANGE_INSPECTION,
            *_INSPECTING,
        ),
        "production-manager": (VIEW, VIEW_INSPECTION),
        "administrator": ALL_CODENAMES,
    }
    search_fields = {
        "ncr": ("number", "title", "description", "subject_text"),
        "inspection": ("number", "notes", "form_version__name"),
    }
    api_enum_names = {
        "NcrStateEnum": "opsbase.modules.quality.constants.NcrState",
        "NcrSeverityEnum": "opsbase.modules.quality.constants.Severity",
        "DispositionKindEnum": "opsbase.modules.quality.constants.DispositionKind",
        "InspectionResultEnum": "opsbase.modules.quality.constants.InspectionResult",
    }

    quick_create = (
        NavItem(
            label=_("NCR"), url_name="quality:ncr_create", icon="exclamation-octagon", codename=ADD
        ),
    )

    def ready(self) -> None:
        super().ready()
        from opsbase.kit.actions import offer
        from opsbase.kit.hooks import provide

        from .selectors import workorder_completion_blocker
        from .views import inspect_bit_actions, inspect_workorder_actions

        # A work order whose inspection failed stays in QC until an NCR disposition covers it.
        provide("quality.workorder_completion_blocker", workorder_completion_blocker)
        # "Inspect" on a drill bit's scan page and on a work order's page at its QC step.
        offer("drillbits.scan", inspect_bit_actions)
        offer("workorders.detail", inspect_workorder_actions)

    def dashboard_cards(self):
        from opsbase.web.dashboard import CountsCard

        from .costs import poor_quality_dashboard_counts
        from .views import ncr_dashboard_counts

        return (
            CountsCard(
                key="quality",
                title=_("Open NCRs"),
                icon="exclamation-octagon",
                codename=VIEW,
                counts=ncr_dashboard_counts,
                order=38,
                versioned=True,
            ),
            CountsCard(
                key="quality-cost",
                title=_("Cost of poor quality"),
                icon="cash-coin",
                codename=VIEW,
                counts=poor_quality_dashboard_counts,
                order=39,
                versioned=True,
            ),
        )

    def dashboard_charts(self):
        from opsbase.web.dashboard import Chart

        from .dashboard import first_pass_yield_per_week

        return (
            Chart(
                key="first-pass-yield",
                title=_("First-pass yield per week"),
                heading=_("Week of"),
                codename=VIEW_INSPECTION,
                data=first_pass_yield_per_week,
                kind="line",
                icon="clipboard2-check",
                order=60,
            ),
        )

    def dashboard_kpis(self):
        from opsbase.web.dashboard import KpiGroup, Tile

        from .dashboard import ncr_kpis

        shown = "quality:ncr_list"
        return (
            KpiGroup(
                key="ncrs",
                codename=VIEW,
                compute=ncr_kpis,
                order=70,
                tiles=(
                    Tile(
                        "open",
                        _("NCRs open"),
                        icon="exclamation-octagon",
                        better="down",
                        url_name=shown,
                    ),
                    Tile("raised", _("NCRs raised"), icon="flag", better="down", url_name=shown),
                ),
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_quality_seed

        demo_quality_seed(tenant=tenant)


__all__ = ["APPROVE_CONCESSION", "QualityConfig"]
