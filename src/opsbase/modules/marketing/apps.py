from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ALL_CODENAMES, CONSENT_VIEW, MAILING_VIEW, SETTINGS, VIEW


class MarketingConfig(ModuleConfig):
    name = "opsbase.modules.marketing"
    label = "marketing"
    verbose_name = _("Marketing")
    url_prefix = "marketing/"
    public_urlconf = "public_urls"
    dependencies = ("leads", "customers", "billing")
    middleware = ("opsbase.modules.marketing.middleware.UtmCaptureMiddleware",)
    navigation = (
        NavItem(
            label=_("Campaigns"),
            url_name="marketing:campaign_list",
            icon="megaphone",
            codename=VIEW,
            order=24,
        ),
        NavItem(
            label=_("E-mail campaigns"),
            url_name="marketing:mailing_list",
            icon="envelope-paper",
            codename=MAILING_VIEW,
            order=25,
        ),
        NavItem(
            label=_("Marketing consent"),
            url_name="marketing:consent_list",
            icon="person-check",
            codename=CONSENT_VIEW,
            order=26,
        ),
        NavItem(
            label=_("Campaign e-mail settings"),
            url_name="marketing:settings",
            icon="palette",
            codename=SETTINGS,
            order=27,
            section="organization",
        ),
    )
    role_templates = {"administrator": ALL_CODENAMES}
    search_fields = {
        "campaign": ("name", "utm_campaign", "utm_source"),
        "mailing": ("subject",),
        "consent": ("email", "source"),
    }
    api_enum_names = {
        "CampaignChannelEnum": "opsbase.modules.marketing.constants.Channel",
    }

    def ready(self) -> None:
        super().ready()
        from opsbase.kit.hooks import listen

        from .attribution import CREATED, CREATING, lead_attribution_record, lead_touch_fill

        # Leads made in a visit that carried UTM parameters or click ids keep them.
        listen(CREATING, lead_touch_fill)
        listen(CREATED, lead_attribution_record)

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_marketing_seed

        demo_marketing_seed(tenant=tenant)
