"""The demo's customers: operator companies the workshop serves and invoices."""

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership

from .models import Customer
from .services import customer_create

DEMO_CUSTOMERS = (
    ("Northwind Drilling", "Dana Reyes", "accounts@northwind.example", "GBP"),
    ("Sahara Energy", "Karim Haddad", "ap@sahara-energy.example", "USD"),
    ("Fjord Offshore", "Ingrid Lunde", "invoices@fjord-offshore.example", "NOK"),
    ("Andes Exploración", "Lucía Paredes", "pagos@andes-ex.example", "USD"),
    ("Baltic Wells", "Jonas Petraitis", "billing@balticwells.example", "EUR"),
)


def demo_customers_seed(*, tenant) -> None:
    if Customer.objects.for_tenant(tenant).exists():
        return
    manager = Membership.objects.for_tenant(tenant).filter(role__kind=RoleKind.MANAGER).first()
    if manager is None:
        return
    for name, contact, email, currency in DEMO_CUSTOMERS:
        customer_create(
            membership=manager, name=name, contact=contact, email=email, currency=currency
        )
