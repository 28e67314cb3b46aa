import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.leads.services import lead_create


@pytest.fixture
def make_lead():
    """``make_lead(owner_membership, name=..., **fields)``: a lead made through the service."""

    def make(owner, name="Ada Park", **fields):
        return lead_create(membership=owner, name=name, **fields)

    return make


@pytest.fixture
def admin(world):
    return world.members[RoleKind.ADMIN]


@pytest.fixture
def manager(world):
    return world.members[RoleKind.MANAGER]


@pytest.fixture
def user(world):
    return world.members[RoleKind.USER]
