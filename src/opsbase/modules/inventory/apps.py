from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.web.navigation import NavItem

from .constants import ADJUST, ISSUE, MANAGE, VIEW


class InventoryConfig(ModuleConfig):
    name = "opsbase.modules.inventory"
    label = "inventory"
    verbose_name = _("Inventory")
    url_prefix = "inventory/"
    navigation = (
        NavItem(
            label=_("Items"),
            url_name="inventory:item_list",
            icon="box-seam",
            codename=VIEW,
            order=40,
        ),
        NavItem(
            label=_("Stock movements"),
            url_name="inventory:stockmovement_list",
            icon="arrow-left-right",
            codename=VIEW,
            order=41,
        ),
        NavItem(
            label=_("Locations"),
            url_name="inventory:location_list",
            icon="geo-alt",
            codename=VIEW,
            order=42,
        ),
        NavItem(
            label=_("Stock counts"),
            url_name="inventory:stockcount_list",
            icon="clipboard-check",
            codename=VIEW,
            order=43,
        ),
    )
    role_templates = {
        "technician": (VIEW, ISSUE),
        "production-manager": (VIEW, MANAGE, ISSUE, ADJUST),
    }
    search_fields = {
        "item": ("sku", "name"),
        "location": ("code", "name"),
        "stockmovement": ("item__sku", "item__name", "reference", "reason"),
    }
    api_enum_names = {"MovementKindEnum": "opsbase.modules.inventory.constants.MovementKind"}

    def ready(self) -> None:
        super().ready()
        from opsbase.kit.hooks import provide

        from .services import inventory_issue

        # Work orders (and any other module) issue parts without importing inventory:
        # hook("inventory.issue")(membership=, item=, location=, quantity=, reference=,
        # reason="", effective_date=None) -> StockMovement; see services.inventory_issue.
        provide("inventory.issue", inventory_issue)

    def dashboard_cards(self):
        from opsbase.web.dashboard import CountsCard

        from .views import low_stock_counts

        return (
            CountsCard(
                key="inventory-low-stock",
                title=_("Low stock"),
                icon="box-seam",
                codename=VIEW,
                counts=low_stock_counts,
                order=40,
                versioned=True,
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_inventory_seed

        demo_inventory_seed(tenant=tenant)
