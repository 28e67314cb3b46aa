import itertools

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.customers.models import Customer
from opsbase.modules.dispatch.services import dispatchnote_create
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.drillbits.services import drillbit_transition, drillbit_update
from opsbase.modules.sites.models import Rig

_serials = itertools.count(1)

#: The moves from New to each state a test wants a bit in.
PATH = {
    "new": (),
    "in_stock": ("receive",),
    "assigned": ("receive", "assign"),
    "in_field": ("receive", "assign", "deploy"),
    "returned": ("receive", "assign", "deploy", "return"),
}


def manager_of(world, tenant):
    """The Manager of *tenant* (Acme or Globex)."""
    if tenant.pk == world.home.pk:
        return world.members[RoleKind.MANAGER]
    return world.away_members[RoleKind.MANAGER]


def rig_of(tenant):
    """A customer's rig in *tenant* (made once per tenant)."""
    customer = Customer.objects.for_tenant(tenant).first() or Customer.objects.create(
        tenant=tenant, name=f"{tenant.name} Drilling"
    )
    return Rig.objects.for_tenant(tenant).first() or Rig.objects.create(
        tenant=tenant, customer=customer, name=f"{tenant.name} Explorer"
    )


@pytest.fixture
def make_bit(world):
    """``make_bit(tenant, state)``: a drill bit moved to *state* through its workflow."""

    def make(tenant, state="assigned"):
        manager = manager_of(world, tenant)
        bit = DrillBit.objects.create(
            tenant=tenant,
            serial_number=f"DB-{next(_serials):05d}",
            bit_type="pdc",
            size="8-1/2",
        )
        for move in PATH[state]:
            if move == "assign":
                drillbit_update(membership=manager, drillbit=bit, rig=rig_of(tenant))
            drillbit_transition(membership=manager, drillbit=bit, transition=move)
        return bit

    return make


@pytest.fixture
def make_note(world, make_bit):
    """``make_note(tenant, kind="outbound", states=("assigned",))``: a draft note of
    *tenant*'s Manager to its rig, with one bit per state in *states*."""

    def make(tenant, kind="outbound", states=("assigned",)):
        bits = [make_bit(tenant, state) for state in states]
        return dispatchnote_create(
            membership=manager_of(world, tenant), kind=kind, rig=rig_of(tenant), bits=bits
        )

    return make
