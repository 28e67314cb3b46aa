from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ALL_CODENAMES, TECHNICIAN_CODENAMES, VIEW


class DrillBitsConfig(ModuleConfig):
    name = "opsbase.modules.drillbits"
    label = "drillbits"
    verbose_name = _("Drill bits")
    url_prefix = "drill-bits/"
    public_urlconf = "public_urls"
    dependencies = ("sites",)
    navigation = (
        NavItem(
            label=_("Drill bits"),
            url_name="drillbits:drillbit_list",
            icon="nut",
            codename=VIEW,
            order=33,
        ),
    )
    role_templates = {
        "technician": TECHNICIAN_CODENAMES,
        "production-manager": ALL_CODENAMES,
    }
    search_fields = {"drillbit": ("serial_number", "design", "iadc_code", "location")}
    api_enum_names = {
        "DrillBitStatusEnum": "opsbase.modules.drillbits.constants.BitState",
        "DrillBitTypeEnum": "opsbase.modules.drillbits.constants.BitType",
        "DrillBitSizeEnum": "opsbase.modules.drillbits.constants.BitSize",
        "DullCharacteristicEnum": "opsbase.modules.drillbits.constants.DullCharacteristic",
    }

    def dashboard_cards(self):
        from opsbase.web.dashboard import CountsCard

        from .views import drillbit_dashboard_counts, drillbit_dashboard_field

        return (
            CountsCard(
                key="drillbits",
                title=_("Drill bits by status"),
                icon="nut",
                codename=VIEW,
                counts=drillbit_dashboard_counts,
                order=30,
                versioned=True,
            ),
            CountsCard(
                key="drillbits-field",
                title=_("Longest in the field"),
                icon="hourglass-split",
                codename=VIEW,
                counts=drillbit_dashboard_field,
                order=31,
                versioned=True,
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_drillbits_seed

        demo_drillbits_seed(tenant=tenant)
