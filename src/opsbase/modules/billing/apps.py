from django.utils.translation import gettext_lazy as _

from opsbase.kernel.modules import ModuleConfig
from opsbase.kit.notifications import NotificationEvent
from opsbase.web.navigation import NavItem

from .constants import MANAGE, VIEW


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

    quick_create = (
        NavItem(
            label=_("Invoice"), url_name="billing:invoice_create", icon="receipt", codename=MANAGE
        ),
    )

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

    def dashboard_kpis(self):
        from opsbase.web.dashboard import KpiGroup, Tile

        from .dashboard import revenue_kpis

        shown = "billing:invoice_list"
        return (
            KpiGroup(
                key="revenue",
                codename=VIEW,
                compute=revenue_kpis,
                order=40,
                tiles=(
                    Tile(
                        "issued",
                        _("Revenue issued"),
                        icon="receipt",
                        format="money",
                        url_name=shown,
                    ),
                    Tile(
                        "paid",
                        _("Revenue paid"),
                        icon="cash-coin",
                        format="money",
                        url_name="billing:payment_list",
                    ),
                    Tile(
                        "outstanding",
                        _("Outstanding"),
                        icon="hourglass-split",
                        format="money",
                        better="down",
                        url_name=shown,
                        query="status=open",
                    ),
                ),
            ),
        )

    def dashboard_charts(self):
        from opsbase.web.dashboard import Chart

        from .dashboard import revenue_by_month

        return (
            Chart(
                key="revenue",
                title=_("Revenue by month"),
                heading=_("Month"),
                codename=VIEW,
                data=revenue_by_month,
                kind="bar",
                icon="graph-up",
                order=40,
            ),
        )

    def demo_seed(self, *, tenant) -> None:
        from .demo import demo_billing_seed

        demo_billing_seed(tenant=tenant)
