import itertools

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.services import item_create, location_create, movement_post
from opsbase.modules.workorders.services import workorder_create

_numbers = itertools.count(1)


def manager_of(world, membership):
    """A member of *membership*'s organization who may create work orders and stock."""
    if membership.tenant_id == world.home.pk:
        return world.members[RoleKind.MANAGER]
    return world.away_members[RoleKind.MANAGER]


@pytest.fixture
def make_order(world):
    """``make_order(assignee, **fields)``: a work order of *assignee*'s organization, created
    by its Manager and assigned to *assignee*, with two operations."""

    def make(member, **fields):
        fields.setdefault("title", f"Repair bit {next(_numbers)}")
        fields.setdefault(
            "operations",
            [{"title": "Inspect", "planned_hours": "1"}, {"title": "Repair", "planned_hours": "3"}],
        )
        fields.setdefault("assignee", member)
        return workorder_create(membership=manager_of(world, member), **fields)

    return make


@pytest.fixture
def stock(world):
    """An item with 100 units at a store of the home organization: ``(item, location)``."""
    manager = world.members[RoleKind.MANAGER]
    n = next(_numbers)
    item = item_create(membership=manager, sku=f"CUT-{n}", name="PDC cutter")
    place = location_create(membership=manager, code=f"MAIN-{n}", name="Main store")
    movement_post(membership=manager, kind="receipt", item=item, quantity=100, to_location=place)
    return item, place
