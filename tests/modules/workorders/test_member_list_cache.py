"""A technician's own work orders (those assigned to it) stay cached through the writes of
orders never assigned to it, their checklists included, and are renewed by every write that
names it, before or after."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from opsbase.core.writes import row_lock
from opsbase.kit import caching
from opsbase.modules.workorders.models import Operation, WorkOrder
from opsbase.modules.workorders.selectors import operation_list
from opsbase.modules.workorders.services import (
    operation_add,
    operation_delete,
    operation_update,
    workorder_transition,
    workorder_update,
)
from opsbase.testing.api import token_client
from opsbase.testing.concurrency import in_threads, needs_row_locks
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

    # Created with its checklist: the operations are shown through their order only.
    make_order(people["spare"], title="Theirs too")
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


def _started(order, people):
    for move in ("plan", "release"):
        workorder_transition(membership=people["manager"], workorder=order, transition=move)
    workorder_transition(membership=people["spare"], workorder=order, transition="start")


def test_ticks_on_other_orders_leave_a_technicians_list_cached(
    list_cache, settings, people, lists, make_order
):
    make_order(people["user"], title="Mine")
    theirs = make_order(people["spare"], title="Theirs")
    _started(theirs, people)
    lists.fresh(settings, people)

    first, second = operation_list(work_order=theirs)
    operation_update(membership=people["spare"], work_order=theirs, operation=first, done=True)
    operation_update(
        membership=people["spare"], work_order=theirs, operation=second, actual_hours="2.5"
    )
    operation_add(membership=people["manager"], work_order=theirs, title="Paint")

    assert lists.fresh(settings, people) == {"spare", "manager", "admin"}


def test_a_tick_renews_the_list_of_whoever_the_order_is_assigned_to(
    list_cache, settings, people, lists, make_order
):
    theirs = make_order(people["spare"], title="Theirs")
    _started(theirs, people)
    workorder_update(membership=people["manager"], workorder=theirs, assignee=people["user"])
    lists.fresh(settings, people)

    operation = operation_list(work_order=theirs).first()
    operation_update(membership=people["user"], work_order=theirs, operation=operation, done=True)

    assert "user" in lists.fresh(settings, people)
    assert [row["progress"] for row in lists.read(people["user"])[0]] == [25]


def test_a_removed_step_or_one_moved_to_another_order_renews_every_list(
    list_cache, settings, people, lists, make_order
):
    mine = make_order(people["user"], title="Mine")
    theirs = make_order(people["spare"], title="Theirs")
    lists.fresh(settings, people)

    operation_delete(
        membership=people["manager"],
        work_order=theirs,
        operation=operation_list(work_order=theirs).first(),
    )
    assert lists.fresh(settings, people) == set(people)

    # Whatever wrote it, a step that changes orders is not shown through one order only.
    with transaction.atomic():
        row = row_lock(WorkOrder, pk=theirs.pk, tenant_id=theirs.tenant_id)
        moved = operation_list(work_order=mine).first()
        moved.work_order = row
        moved.save()
    assert lists.fresh(settings, people) == set(people)


def test_a_step_removed_through_another_order_is_not_found(people, make_order):
    from opsbase.core.exceptions import NotFound

    mine, theirs = make_order(people["user"]), make_order(people["spare"])
    step = operation_list(work_order=mine).first()

    with pytest.raises(NotFound):
        operation_delete(membership=people["manager"], work_order=theirs, operation=step)
    assert Operation.objects.for_tenant(step.tenant_id).filter(pk=step.pk).exists()


@pytest.mark.parametrize("name", ["title", "no_such_field", "done_by"])
def test_a_list_parent_that_is_no_tenant_row_stops_start_up(monkeypatch, name):
    monkeypatch.setattr(Operation, "list_parent", name)
    monkeypatch.setattr(caching, "_parents", {})

    with pytest.raises(ImproperlyConfigured, match=rf"Operation.list_parent = '{name}'"):
        caching.invalidation_connect()


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_ticks_racing_reassignments_and_readers_leave_every_list_fresh(
    settings, people, lists, make_order
):
    """Threads tick the operations of orders (each save renews its order's members' lists,
    named by the order's lock) while other threads reassign those orders and the members
    read (and cache) their lists: afterwards every cached list is the computed one."""
    settings.OPSBASE_LIST_CACHE = True
    cache.clear()
    manager = people["manager"]
    members = [people["user"], people["spare"]]
    orders = []
    for n in range(4):
        order = make_order(members[n % 2], title=f"Order {n}")
        for move in ("plan", "release", "start"):
            workorder_transition(membership=manager, workorder=order, transition=move)
        orders.append(order)

    def tick(order, hours):
        def job():
            row = WorkOrder.objects.for_tenant(order.tenant_id).get(pk=order.pk)
            for step in operation_list(work_order=row):
                operation_update(
                    membership=manager,
                    work_order=row,
                    operation=step,
                    actual_hours=hours,
                    done=hours % 2 == 1,
                )

        return job

    def reassign(order, member):
        def job():
            row = WorkOrder.objects.for_tenant(order.tenant_id).get(pk=order.pk)
            workorder_update(membership=manager, workorder=row, assignee=member)

        return job

    def read(member):
        return lambda: token_client(member).get("/api/v1/work-orders/").status_code

    jobs = []
    for round_ in range(3):
        for n, order in enumerate(orders):
            jobs.append(tick(order, round_ + n + 1))
            jobs.append(reassign(order, members[(n + round_ + 1) % 2]))
            jobs.append(read(members[(n + round_) % 2]))
    in_threads(jobs, workers=6)

    lists.fresh(settings, people)
    cache.clear()
