"""NCR writes racing each other, with real threads and connections (PostgreSQL and MariaDB):
numbers never collide, and dispositions acting on the same stock or the same bit at once
apply exactly as far as the stock and the bit allow, each refused one keeping nothing."""

from decimal import Decimal

import pytest

from opsbase.core.exceptions import OpsBaseError
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.models import StockBalance
from opsbase.modules.quality.models import Disposition, Ncr
from opsbase.modules.quality.services import disposition_record, ncr_create
from opsbase.testing.concurrency import in_threads, needs_row_locks

from .conftest import returned_bit, to_disposition


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_ncrs_raised_at_once_get_distinct_numbers(world):
    user = world.members[RoleKind.USER]

    def raise_one(n):
        return lambda: ncr_create(membership=user, title=f"Race {n}", subject_text="Batch").number

    numbers = in_threads([raise_one(n) for n in range(16)], catch=(OpsBaseError,))

    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 17))


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_scraps_racing_for_the_same_stock_never_go_below_zero(world, stock):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    item, place = stock  # 10 units
    ncrs = [
        to_disposition(
            world,
            ncr_create(
                membership=user,
                title=f"Bad lot {n}",
                item=item,
                location=place,
                quantity_inspected=Decimal("4"),
                quantity_nonconforming=Decimal("4"),
            ),
        )
        for n in range(4)
    ]

    def scrap(ncr):
        return lambda: disposition_record(membership=manager, ncr=ncr, kind="scrap")

    results = in_threads([scrap(n) for n in ncrs], catch=(OpsBaseError,))

    done = [r for r in results if isinstance(r, Disposition)]
    balance = StockBalance.objects.for_tenant(world.home).get(item=item, location=place)
    assert len(done) == 2
    assert balance.quantity == Decimal("2")
    assert Disposition.objects.for_tenant(world.home).count() == 2
    assert audit_chain_verify(tenant=world.home).ok


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_ncrs_repairing_one_bit_at_once_move_it_once(world):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    bit = returned_bit(world, world.home)
    ncrs = [
        to_disposition(world, ncr_create(membership=user, title=f"Worn cutters {n}", drill_bit=bit))
        for n in range(2)
    ]

    def repair(ncr):
        return lambda: disposition_record(
            membership=manager, ncr=Ncr.objects.for_tenant(world.home).get(pk=ncr.pk), kind="repair"
        )

    results = in_threads([repair(n) for n in ncrs], catch=(OpsBaseError,))

    bit.refresh_from_db()
    assert sum(isinstance(r, Disposition) for r in results) == 1
    assert bit.status == "repair"
    assert Disposition.objects.for_tenant(world.home).count() == 1
