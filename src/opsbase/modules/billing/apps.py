from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.notifications import NotificationEvent
from opsbase.web.navigation import NavItem

from .constants import VIEW


class BillingConfig(ModuleConfig):
    name = "opsbase.modules.billing"
    label = "billing"
    verbose_name = _("Billing")
    url_prefix = "billing/"
    dependencies = ("customers",)
    notification_events = (NotificationEvent("billing.invoice_paid", _("An invoice is paid")),)
    navigation = (
        NavItem(
            label=_("Invoices"),
            url_name="billing:invoice_list",
            icon="receipt",
            codename=VIEW,
            order=40,
        ),
        NavItem(
            label=_("Payments"),
            url_name="billing:payment_list",
            icon="cash-coin",
            codename=VIEW,
            order=41,
        ),
        NavItem(
            label=_("Credit notes"),
            url_name="billing:creditnote_list",
            icon="receipt-cutoff",
            codename=VIEW,
            order=42,
        ),
    )
    search_fields = {
        "invoice": ("number", "customer__name", "notes"),
        "payment": ("reference", "customer__name"),
        "creditnote": ("number", "reason", "invoice__number"),
    }
    api_enum_names = {
        "InvoiceStatusEnum": "opsbase.modules.billing.constants.InvoiceStatus",
        "PaymentMethodEnum": "opsbase.modules.billing.constants.PaymentMethod",
        "PaymentGatewayEnum": "opsbase.modules.billing.constants.PaymentGateway",
    }

    def dashboard_cards(self):
        from opsbase.web.dashboard import CountsCard

        from .views import invoice_dashboard_counts

        return (
            CountsCard(
                key="billing",
                title=_("Invoices"),
                icon="receipt",
                codename=VIEW,
                counts=invoice_dashboard_counts,
                order=40,
                versioned=True,
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_billing_seed

        demo_billing_seed(tenant=tenant)
