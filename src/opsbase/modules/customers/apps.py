from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ADD, CHANGE, VIEW


class CustomersConfig(ModuleConfig):
    name = "opsbase.modules.customers"
    label = "customers"
    verbose_name = _("Customers")
    url_prefix = "customers/"
    navigation = (
        NavItem(
            label=_("Customers"),
            url_name="customers:customer_list",
            icon="building",
            codename=VIEW,
            order=30,
        ),
    )
    role_templates = {"production-manager": (VIEW, ADD, CHANGE)}
    search_fields = {"customer": ("name", "contact", "email")}

    def ready(self) -> None:
        super().ready()
        from opsbase.kit.hooks import provide

        from .services import customer_create

        # A won lead becomes a customer (leads calls it when this module is installed).
        provide("customers.customer_create", customer_create)

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_customers_seed

        demo_customers_seed(tenant=tenant)
