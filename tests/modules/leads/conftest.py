import pytest

from opsbase.modules.leads.services import lead_create


@pytest.fixture
def make_lead():
    """``make_lead(owner_membership, name=..., **fields)``: a lead made through the service."""

    def make(owner, name="Ada Park", **fields):
        return lead_create(membership=owner, name=name, **fields)

    return make
