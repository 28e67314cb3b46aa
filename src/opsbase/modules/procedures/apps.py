"""The procedures module, declared once: its pages, API, navigation, permissions, role
templates and demo data are found from here (no shared file names it)."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.hooks import provide
from opsbase.web.navigation import NavItem

from .constants import (
    ACKNOWLEDGE,
    ADD,
    ALL_CODENAMES,
    APPROVE,
    CHANGE,
    DELETE,
    VIEW,
    WORKORDER_BLOCKER_HOOK,
)


class ProceduresConfig(ModuleConfig):
    name = "opsbase.modules.procedures"
    label = "procedures"
    verbose_name = _("Procedures")
    url_prefix = "procedures/"
    dependencies = ("workorders",)
    navigation = (
        NavItem(
            label=_("Procedures"),
            url_name="procedures:procedure_list",
            icon="journal-text",
            codename=VIEW,
            order=39,
        ),
    )
    role_templates = {
        "technician": (VIEW, ACKNOWLEDGE),
        "qc-inspector": (VIEW, ACKNOWLEDGE),
        "production-manager": (VIEW, ADD, CHANGE, APPROVE, ACKNOWLEDGE, DELETE),
        "administrator": ALL_CODENAMES,
    }
    search_fields = {"procedure": ("code", "title", "body")}
    api_enum_names = {
        "ProcedureStateEnum": "opsbase.modules.procedures.constants.ProcedureState",
    }

    def ready(self) -> None:
        super().ready()
        from .selectors import workorder_transition_blocker

        provide(WORKORDER_BLOCKER_HOOK, workorder_transition_blocker)

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_procedures_seed

        demo_procedures_seed(tenant=tenant)
