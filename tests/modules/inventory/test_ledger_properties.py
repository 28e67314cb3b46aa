"""Ledger properties (hypothesis): whatever valid movements are posted, in whatever order,
each balance is the sum of its movements, the balances rebuilt from the ledger alone equal
the materialized ones, and stock never goes below zero where it is not allowed. Refused
movements leave nothing behind."""

import itertools
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsbase.core.exceptions import ValidationError
from opsbase.modules.inventory.constants import INBOUND, OUTBOUND, MovementKind
from opsbase.modules.inventory.models import StockBalance, StockMovement
from opsbase.modules.inventory.selectors import ledger_disagreements
from opsbase.modules.inventory.services import movement_post

_run = itertools.count(1)

movements = st.lists(
    st.tuples(
        st.sampled_from(MovementKind.values),
        st.integers(0, 1),  # which item
        st.integers(0, 2),  # the source location
        st.integers(0, 2),  # the destination location
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("40"), places=3),
        st.booleans(),  # an adjustment up (True) or down
    ),
    max_size=25,
)


def _sides(kind, source, target, up):
    if kind in INBOUND:
        return None, target
    if kind in OUTBOUND:
        return source, None
    if kind == MovementKind.TRANSFER:
        return source, target
    return (None, target) if up else (source, None)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=movements)
def test_balances_are_always_the_sum_of_the_ledger(manager, make_item, make_location, steps):
    run = next(_run)
    items = [
        make_item(manager, sku=f"P{run}-A"),
        make_item(manager, sku=f"P{run}-B", allow_negative=True),
    ]
    places = [make_location(manager, code=f"P{run}-{n}") for n in range(3)]
    expected = defaultdict(Decimal)
    posted = 0

    for kind, which, source, target, quantity, up in steps:
        item = items[which]
        origin, destination = _sides(kind, places[source], places[target], up)
        try:
            movement_post(
                membership=manager,
                kind=kind,
                item=item,
                quantity=quantity,
                from_location=origin,
                to_location=destination,
            )
        except ValidationError:
            continue  # refused: a transfer to itself, or stock that is not there
        posted += 1
        if origin is not None:
            expected[(item.pk, origin.pk)] -= quantity
        if destination is not None:
            expected[(item.pk, destination.pk)] += quantity

    ours = [item.pk for item in items]
    stored = {
        (b.item_id, b.location_id): b.quantity
        for b in StockBalance.objects.for_tenant(manager.tenant_id).filter(item_id__in=ours)
    }
    assert {k: v for k, v in stored.items() if v} == {k: v for k, v in expected.items() if v}
    assert StockMovement.objects.for_tenant(manager.tenant_id).filter(item_id__in=ours).count() == (
        posted
    )
    assert ledger_disagreements(tenant_id=manager.tenant_id) == {}
    assert all(q >= 0 for (item, _), q in stored.items() if item == items[0].pk)
