from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ADD, ALL_CODENAMES, CHANGE, FILL, VIEW


class ChecklistsConfig(ModuleConfig):
    """The forms engine: form templates with typed fields, versions, filled forms."""

    name = "opsbase.modules.checklists"
    label = "checklists"
    verbose_name = _("Forms and checklists")
    url_prefix = "forms/"
    dependencies = ()
    navigation = (
        NavItem(
            label=_("Form templates"),
            url_name="checklists:formtemplate_list",
            icon="ui-checks",
            codename=VIEW,
            order=39,
        ),
    )
    role_templates = {
        "qc-inspector": (VIEW, ADD, CHANGE, FILL),
        "technician": (VIEW, FILL),
        "production-manager": (VIEW,),
        "administrator": ALL_CODENAMES,
    }
    search_fields = {"formtemplate": ("name", "description")}
    api_enum_names = {
        "FormFieldTypeEnum": "opsbase.modules.checklists.constants.FieldType",
        "FormResultEnum": "opsbase.modules.checklists.constants.Result",
    }

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_checklists_seed

        demo_checklists_seed(tenant=tenant)
