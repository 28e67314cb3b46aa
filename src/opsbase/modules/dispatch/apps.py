from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ALL_CODENAMES, VIEW, VIEW_CODENAMES


class DispatchConfig(ModuleConfig):
    name = "opsbase.modules.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch")
    url_prefix = "dispatch/"
    dependencies = ("sites", "drillbits")
    navigation = (
        NavItem(
            label=_("Dispatch notes"),
            url_name="dispatch:dispatchnote_list",
            icon="truck",
            codename=VIEW,
            order=37,
        ),
    )
    role_templates = {
        "technician": VIEW_CODENAMES,
        "production-manager": ALL_CODENAMES,
    }
    search_fields = {"dispatchnote": ("number", "carrier", "reference", "notes")}
    api_enum_names = {
        "DispatchNoteStateEnum": "opsbase.modules.dispatch.constants.NoteState",
        "DispatchNoteKindEnum": "opsbase.modules.dispatch.constants.NoteKind",
    }

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_dispatch_seed

        demo_dispatch_seed(tenant=tenant)
