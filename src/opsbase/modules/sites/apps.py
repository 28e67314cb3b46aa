from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ALL_CODENAMES, VIEW_CODENAMES, VIEW_RIG, VIEW_WELL


class SitesConfig(ModuleConfig):
    name = "opsbase.modules.sites"
    label = "sites"
    verbose_name = _("Rigs and wells")
    url_prefix = "sites/"
    dependencies = ("customers",)
    navigation = (
        NavItem(
            label=_("Rigs"),
            url_name="sites:rig_list",
            icon="broadcast-pin",
            codename=VIEW_RIG,
            order=31,
        ),
        NavItem(
            label=_("Wells"),
            url_name="sites:well_list",
            icon="geo-alt",
            codename=VIEW_WELL,
            order=32,
        ),
    )
    role_templates = {
        "technician": VIEW_CODENAMES,
        "production-manager": ALL_CODENAMES,
    }
    search_fields = {
        "rig": ("name", "location", "customer__name"),
        "well": ("name", "field", "location", "customer__name"),
    }

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_sites_seed

        demo_sites_seed(tenant=tenant)
