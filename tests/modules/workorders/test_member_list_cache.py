"""A technician's own work orders (those assigned to it) stay cached through the writes of
orders never assigned to it, and are renewed by every write that names it, before or after."""

import pytest

from opsbase.modules.workorders.models import WorkOrder
from opsbase.modules.workorders.services import workorder_transition, workorder_update
from opsbase.testing.list_cache import ListFreshness


@pytest.fixture
def lists():
    return ListFreshness(
        api="/api/v1/work-orders/", page="/work-orders/", model=WorkOrder, prefix="workorder"
    )


def test_a_technicians_list_outlives_the_writes_of_orders_never_assigned_to_it(
    list_cache, settings, people, lists, make_order
):
    manager = people["manager"]
    make_order(people["user"], title="Mine")
    theirs = make_order(people["spare"], title="Theirs")
    assert lists.fresh(settings, people) == set(people)  # every list computed, then cached

    # Created without a checklist: operations are rows of another model, which renew all.
    make_order(people["spare"], title="Theirs too", operations=[])
    workorder_update(membership=manager, workorder=theirs, title="Theirs, renamed")
    workorder_transition(membership=manager, workorder=theirs, transition="plan")

    assert lists.fresh(settings, people) == {"spare", "manager", "admin"}


def test_every_write_that_names_a_technician_renews_its_list(
    list_cache, settings, people, lists, make_order
):
    user, spare, manager = people["user"], people["spare"], people["manager"]
    order = make_order(spare, title="Regrind the cutters")
    lists.fresh(settings, people)

    # Assigned to the User (the spare's list loses it), renamed, moved, then unassigned.
    workorder_update(membership=manager, workorder=order, assignee=user)
    assert {"user", "spare"} <= lists.fresh(settings, people)
    assert [row["title"] for row in lists.read(user)[0]] == ["Regrind the cutters"]
    workorder_update(membership=manager, workorder=order, title="Regrind and braze")
    assert "user" in lists.fresh(settings, people)
    workorder_transition(membership=manager, workorder=order, transition="plan")
    assert "user" in lists.fresh(settings, people)
    workorder_update(membership=manager, workorder=order, assignee=None)
    assert "user" in lists.fresh(settings, people)
    assert lists.read(user)[0] == []
