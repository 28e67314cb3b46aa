from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.notifications import NotificationEvent
from opsbase.web.navigation import NavItem

from .constants import ADD, MANAGE, VIEW


class LeadsConfig(ModuleConfig):
    name = "opsbase.modules.leads"
    label = "leads"
    verbose_name = _("Leads")
    url_prefix = "leads/"
    public_urlconf = "public_urls"
    dependencies = ("tasks",)
    optional_dependencies = ("customers",)
    navigation = (
        NavItem(
            label=_("Leads"),
            url_name="leads:lead_list",
            icon="person-lines-fill",
            codename=VIEW,
            order=20,
        ),
        NavItem(
            label=_("Pipeline board"),
            url_name="leads:lead_board",
            icon="kanban",
            codename=VIEW,
            order=21,
        ),
        NavItem(
            label=_("Web forms"),
            url_name="leads:lead_forms",
            icon="ui-checks",
            codename=MANAGE,
            order=22,
        ),
        NavItem(
            label=_("Pipelines"),
            url_name="leads:pipeline_list",
            icon="diagram-3",
            codename=MANAGE,
            order=23,
        ),
        NavItem(
            label=_("Lost reasons"),
            url_name="leads:lostreason_list",
            icon="x-octagon",
            codename=MANAGE,
            order=24,
        ),
    )
    role_templates = {"production-manager": (VIEW,)}
    search_fields = {"lead": ("name", "company", "email", "phone")}
    # Inactivity decays scores: every lead rescored each night.
    beat_schedule = {
        "opsbase-leads-rescore": {"task": "opsbase.leads.rescore", "schedule": 24 * 3600.0},
        "opsbase-leads-follow-ups-due": {
            "task": "opsbase.leads.follow_ups_due",
            "schedule": crontab(minute=0, hour=6),
        },
    }
    notification_events = (
        NotificationEvent("leads.follow_up_due", _("A lead of mine is due a follow-up")),
    )
    api_enum_names = {
        "LeadSourceEnum": "opsbase.modules.leads.constants.LeadSource",
        "StageKindEnum": "opsbase.modules.leads.constants.StageKind",
        "ActivityKindEnum": "opsbase.modules.leads.constants.ActivityKind",
    }

    quick_create = (
        NavItem(label=_("Lead"), url_name="leads:lead_create", icon="person-plus", codename=ADD),
    )

    def ready(self) -> None:
        super().ready()
        from django.db.models.signals import post_save

        from opsbase.kernel.tenants.models import Tenant

        from .signals import tenant_pipeline_create

        post_save.connect(tenant_pipeline_create, sender=Tenant, dispatch_uid="leads_pipeline")

    def dashboard_cards(self):
        from opsbase.kit.pipeline_cards import pipeline_cards

        from .declarations import PIPELINES
        from .entity import LEADS

        return pipeline_cards(pipelines=PIPELINES, entity=LEADS, icon="person-lines-fill")

    def dashboard_kpis(self):
        from opsbase.web.dashboard import KpiGroup, Tile

        from .dashboard import lead_kpis

        return (
            KpiGroup(
                key="leads",
                codename=VIEW,
                compute=lead_kpis,
                order=20,
                tiles=(
                    Tile("new", _("New leads"), icon="person-plus", url_name="leads:lead_list"),
                    Tile("conversion", _("Conversion"), icon="bullseye", format="percent"),
                ),
            ),
        )

    def dashboard_charts(self):
        from opsbase.web.dashboard import Chart

        from .dashboard import lead_funnel_chart

        return (
            Chart(
                key="lead-funnel",
                title=_("Lead funnel"),
                heading=_("Stage"),
                codename=VIEW,
                data=lead_funnel_chart,
                kind="funnel",
                icon="funnel",
                order=20,
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_leads_seed

        demo_leads_seed(tenant=tenant)
