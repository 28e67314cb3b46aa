from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "opsbase.core"
    label = "opsbase_core"
    verbose_name = _("OpsBase core")
