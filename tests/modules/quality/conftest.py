import itertools

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import role_create_from_template
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.drillbits.services import drillbit_transition, drillbit_update
from opsbase.modules.inventory.services import item_create, location_create, movement_post
from opsbase.modules.quality.services import ncr_create, ncr_transition, ncr_update
from opsbase.testing.factories import MembershipFactory, UserFactory

from ..drillbits.conftest import site_of

_numbers = itertools.count(1)


def manager_of(world, membership):
    if membership.tenant_id == world.home.pk:
        return world.members[RoleKind.MANAGER]
    return world.away_members[RoleKind.MANAGER]


def returned_bit(world, tenant):
    """A drill bit of *tenant* back from the field (Returned), ready for repair or scrap."""
    manager = (
        world.members[RoleKind.MANAGER]
        if tenant == world.home
        else world.away_members[RoleKind.MANAGER]
    )
    bit = DrillBit.objects.create(
        tenant=tenant, serial_number=f"QC-{next(_numbers):05d}", bit_type="pdc", size="8-1/2"
    )
    rig, _well = site_of(tenant)
    drillbit_transition(membership=manager, drillbit=bit, transition="receive")
    drillbit_update(membership=manager, drillbit=bit, rig=rig)
    for move in ("assign", "deploy", "return"):
        drillbit_transition(membership=manager, drillbit=bit, transition=move)
    return bit


@pytest.fixture
def inspector_role(world):
    return role_create_from_template(membership=world.members[RoleKind.ADMIN], slug="qc-inspector")


@pytest.fixture
def make_inspector(world, inspector_role):
    def make(email=None):
        email = email or f"qc{next(_numbers)}@acme.test"
        return MembershipFactory(
            tenant=world.home, role=inspector_role, user=UserFactory(email=email)
        )

    return make


@pytest.fixture
def make_ncr(world):
    """``make_ncr(raiser, **fields)``: an Open NCR of *raiser*'s organization raised by it (a
    drill bit of that organization as its subject unless given)."""

    def make(raiser, **fields):
        fields.setdefault("title", f"Finding {next(_numbers)}")
        if not {"drill_bit", "work_order", "item", "subject_text"} & set(fields):
            fields["subject_text"] = "Cutter batch"
        return ncr_create(membership=raiser, **fields)

    return make


def to_disposition(world, ncr):
    """Take *ncr* to Disposition as its organization's Manager (root cause given)."""
    manager = manager_of(world, ncr.raised_by)
    ncr_transition(membership=manager, ncr=ncr, transition="investigate")
    ncr_update(membership=manager, ncr=ncr, why_1="Fixture moved", why_2="Clamps loose")
    ncr_transition(membership=manager, ncr=ncr, transition="disposition")
    return ncr


@pytest.fixture
def stock(world):
    """An item with 10 units at a store of Acme: ``(item, location)``."""
    manager = world.members[RoleKind.MANAGER]
    n = next(_numbers)
    item = item_create(membership=manager, sku=f"CUT-{n}", name="PDC cutter")
    place = location_create(membership=manager, code=f"QC-{n}", name="QC cage")
    movement_post(membership=manager, kind="receipt", item=item, quantity=10, to_location=place)
    return item, place
