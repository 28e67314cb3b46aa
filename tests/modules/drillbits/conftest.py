import pytest

from opsbase.kernel.roles.services import role_create_from_template
from opsbase.modules.customers.models import Customer
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.sites.models import Rig, Well
from opsbase.testing.factories import MembershipFactory, UserFactory


def site_of(tenant):
    """A customer's rig and well in *tenant* (made once per tenant)."""
    customer = Customer.objects.for_tenant(tenant).first() or Customer.objects.create(
        tenant=tenant, name=f"{tenant.name} Drilling"
    )
    rig = Rig.objects.for_tenant(tenant).first() or Rig.objects.create(
        tenant=tenant, customer=customer, name=f"{tenant.name} Explorer"
    )
    well = Well.objects.for_tenant(tenant).first() or Well.objects.create(
        tenant=tenant, customer=customer, name=f"{tenant.slug.upper()}-1", depth_m=3000
    )
    return rig, well


@pytest.fixture
def make_bit():
    """``make_bit(tenant, **fields)``: a New bit, straight in the database."""
    counter = iter(range(1, 10_000))

    def make(tenant, **fields):
        fields.setdefault("serial_number", f"SN-{next(counter):05d}")
        fields.setdefault("bit_type", "pdc")
        fields.setdefault("size", "8-1/2")
        return DrillBit.objects.create(tenant=tenant, **fields)

    return make


def member_with_template(world, slug: str, email: str):
    role = role_create_from_template(membership=world.members["admin"], slug=slug)
    return MembershipFactory(tenant=world.home, role=role, user=UserFactory(email=email))


@pytest.fixture
def technician(world):
    """Acme's Technician: a custom role made from the Technician template."""
    return member_with_template(world, "technician", "tech@acme.test")


@pytest.fixture
def production_manager(world):
    """Acme's Production Manager (the template's custom role)."""
    return member_with_template(world, "production-manager", "pm@acme.test")
