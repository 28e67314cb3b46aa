from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.notifications import NotificationEvent
from opsbase.kit.pipeline_module import PipelineModule
from opsbase.kit.registration import nav_items

from .constants import ADD, MANAGE, VIEW


class LeadsConfig(PipelineModule, ModuleConfig):
    name = "opsbase.modules.leads"
    label = "leads"
    verbose_name = _("Leads")
    url_prefix = "leads/"
    public_urlconf = "public_urls"
    dependencies = ("tasks",)
    optional_dependencies = ("customers",)
    navigation = nav_items(
        (_("Leads"), "leads:lead_list", "person-lines-fill", VIEW),
        (_("Pipeline board"), "leads:lead_board", "kanban", VIEW),
        (_("Web forms"), "leads:lead_forms", "ui-checks", MANAGE),
        (_("Pipelines"), "leads:pipeline_list", "diagram-3", MANAGE),
        (_("Lost reasons"), "leads:lostreason_list", "x-octagon", MANAGE),
        order=20,
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
        "ActivityKindEnum": "opsbase.kit.deal_constants.ActivityKind",
    }

    quick_create = nav_items((_("Lead"), "leads:lead_create", "person-plus", ADD))
    # The dashboard (funnel, won by source, counts, new leads and conversion) and a new
    # organization's default pipeline (PIPELINES.setup): the kit's.
    pipeline_declarations = "opsbase.modules.leads.declarations.PIPELINES"
    pipeline_entity = "opsbase.modules.leads.entity.LEADS"
    pipeline_icon = "person-lines-fill"
    pipeline_new_label = _("New leads")
    pipeline_funnel_title = _("Lead funnel")

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_leads_seed

        demo_leads_seed(tenant=tenant)
