"""The demo's rigs and wells: a few per customer of the customers module's demo."""

from __future__ import annotations

from decimal import Decimal

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.customers.demo import demo_customers_seed
from opsbase.modules.customers.models import Customer
from opsbase.modules.customers.services import customer_create

from .models import Rig
from .services import rig_create, well_create

# (rig name, location, latitude, longitude)
DEMO_RIGS = (
    ("Explorer I", "Block 9/14, North Sea", "58.973400", "1.862100"),
    ("Desert Hawk", "Hassi Messaoud, Algeria", "31.681100", "6.072200"),
    ("Polar Star", "Johan Castberg field, Barents Sea", "72.480000", "20.350000"),
    ("Cordillera 3", "Neuquén basin, Argentina", "-38.951600", "-68.059100"),
    ("Amber 2", "Kretinga, Lithuania", "55.889000", "21.242000"),
)
# (well suffix, field, depth in metres)
DEMO_WELLS = (("A", "North", "3450.0"), ("B", "South", "2875.5"), ("C", "East", "4120.0"))


def demo_sites_seed(*, tenant) -> None:
    """A rig and three wells per demo customer (creating a customer when there is none)."""
    if Rig.objects.for_tenant(tenant).exists():
        return
    demo_customers_seed(tenant=tenant)
    manager = Membership.objects.for_tenant(tenant).filter(role__kind=RoleKind.MANAGER).first()
    if manager is None:
        return
    customers = list(Customer.objects.for_tenant(tenant).order_by("name", "pk")[: len(DEMO_RIGS)])
    if not customers:
        customers = [customer_create(membership=manager, name=f"{tenant.name} Drilling")]
    for index, customer in enumerate(customers):
        name, location, latitude, longitude = DEMO_RIGS[index % len(DEMO_RIGS)]
        rig_create(
            membership=manager,
            customer=customer,
            name=name,
            location=location,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
        )
        prefix = "".join(word[0] for word in customer.name.split()[:2]).upper()
        for suffix, field, depth in DEMO_WELLS:
            well_create(
                membership=manager,
                customer=customer,
                name=f"{prefix}-{index + 1:02d}{suffix}",
                field=f"{location.split(',')[0]} {field}",
                location=location,
                depth_m=Decimal(depth),
            )
