import itertools

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.services import item_create, location_create

_numbers = itertools.count(1)


def _manager_of(world, membership):
    """A member of *membership*'s organization who may manage inventory."""
    if membership.tenant_id == world.home.pk:
        return world.members[RoleKind.MANAGER]
    return world.away_members[RoleKind.MANAGER]


@pytest.fixture
def make_item(world):
    """``make_item(membership, **fields)``: an item of *membership*'s organization, created
    by its Manager, owned by *membership*."""

    def make(membership, **fields):
        n = next(_numbers)
        fields.setdefault("sku", f"SKU-{n}")
        fields.setdefault("name", f"Part {n}")
        fields.setdefault("owner", membership)
        return item_create(membership=_manager_of(world, membership), **fields)

    return make


@pytest.fixture
def make_location(world):
    def make(membership, **fields):
        n = next(_numbers)
        fields.setdefault("code", f"LOC-{n}")
        fields.setdefault("name", f"Store {n}")
        return location_create(membership=_manager_of(world, membership), **fields)

    return make
