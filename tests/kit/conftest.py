import pytest

from tests.testapp.models import Ticket

WORK = "testapp.work_ticket"


@pytest.fixture
def make_ticket():
    """``make_ticket(owner_membership, title=...)``: a ticket saved directly (no service)."""

    def make(owner, title="Check the pumps", **fields):
        return Ticket.objects.create(
            tenant_id=owner.tenant_id, owner=owner.user, title=title, **fields
        )

    return make
