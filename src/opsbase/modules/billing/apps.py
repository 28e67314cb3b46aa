from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig


class BillingConfig(ModuleConfig):
    name = "opsbase.modules.billing"
    label = "billing"
    verbose_name = _("Billing")
    url_prefix = "billing/"
    dependencies = ("customers",)
