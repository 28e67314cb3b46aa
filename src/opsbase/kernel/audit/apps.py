from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "opsbase.kernel.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from opsbase.web import navigation

        from . import checks, permissions, signals  # noqa: F401

        navigation.register(
            navigation.NavItem(
                label=_("Audit log"),
                url_name="audit:event_list",
                icon="journal-text",
                codename="audit.view_auditevent",
                section="organization",
                order=90,
            )
        )
