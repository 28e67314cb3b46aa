from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "opsbase.web"
    label = "opsbase_web"
    verbose_name = _("OpsBase web shell")

    def ready(self) -> None:
        from . import navigation

        navigation.register(
            navigation.NavItem(
                label=_("Dashboard"), url_name="web:home", icon="speedometer2", order=0
            )
        )
