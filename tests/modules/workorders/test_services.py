"""Work orders through their services: numbering, the workflow with its guards and entry
times, progress from the operations, parts issued through inventory."""

import re
from decimal import Decimal

import pytest

from opsbase.core.exceptions import InvalidTransition, PermissionDenied, ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.models import StockBalance, StockMovement
from opsbase.modules.workorders.constants import WorkOrderState
from opsbase.modules.workorders.models import WorkOrder, progress_of
from opsbase.modules.workorders.selectors import (
    operation_list,
    workorder_state_entered,
    workorder_state_history,
)
from opsbase.modules.workorders.services import (
    operation_add,
    operation_update,
    part_issue,
    workorder_create,
    workorder_move_to,
    workorder_transition,
)


def _tick_all(order, member):
    for operation in operation_list(work_order=order):
        operation_update(membership=member, work_order=order, operation=operation, done=True)


def test_numbers_are_readable_and_per_organization(world, make_order):
    user, away = world.members[RoleKind.USER], world.away_members[RoleKind.USER]

    first, second, foreign = make_order(user), make_order(user), make_order(away)

    assert re.fullmatch(r"WO-\d{4}-0001", first.number)
    assert second.number.endswith("-0002")
    assert foreign.number.endswith("-0001")


def test_the_full_lifecycle_records_progress_and_each_state_entry(world, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = make_order(user)

    for move in ("plan", "release", "start"):
        workorder_transition(
            membership=manager if move != "start" else user, workorder=order, transition=move
        )
    first = operation_list(work_order=order)[0]
    operation_update(
        membership=user, work_order=order, operation=first, done=True, actual_hours="1.5"
    )
    assert order.progress == 25  # 1 of 4 planned hours
    _tick_all(order, user)
    workorder_transition(membership=user, workorder=order, transition="send_to_qc")
    workorder_transition(membership=manager, workorder=order, transition="complete")

    order.refresh_from_db()
    assert order.state == WorkOrderState.COMPLETED
    assert order.progress == 100
    assert order.completed_at is not None
    assert set(workorder_state_entered(order)) == {
        "draft",
        "planned",
        "released",
        "in_progress",
        "qc",
        "completed",
    }
    assert [s["state"] for s in workorder_state_history(order)] == [
        "draft",
        "planned",
        "released",
        "in_progress",
        "qc",
        "completed",
    ]


def test_release_needs_an_assignee(world, make_order):
    manager = world.members[RoleKind.MANAGER]
    order = make_order(world.members[RoleKind.USER], assignee=None)
    workorder_transition(membership=manager, workorder=order, transition="plan")

    with pytest.raises(InvalidTransition, match="Release needs an assignee"):
        workorder_transition(membership=manager, workorder=order, transition="release")


def test_qc_needs_every_operation_done(world, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = make_order(user)
    for move in ("plan", "release"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    workorder_transition(membership=user, workorder=order, transition="start")

    with pytest.raises(InvalidTransition, match="QC needs every operation done"):
        workorder_transition(membership=user, workorder=order, transition="send_to_qc")


def test_on_hold_goes_back_to_where_it_was(world, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = make_order(user)
    for move in ("plan", "release"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    workorder_transition(membership=user, workorder=order, transition="start")
    workorder_transition(membership=user, workorder=order, transition="hold", reason="No parts")

    with pytest.raises(InvalidTransition, match="in progress before the hold"):
        workorder_move_to(membership=user, workorder=order, state="released")
    workorder_move_to(membership=user, workorder=order, state="in_progress")

    assert order.state == WorkOrderState.IN_PROGRESS


def test_a_released_order_on_hold_may_resume_as_released(world, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = make_order(user)
    for move in ("plan", "release", "hold", "resume"):
        workorder_transition(membership=manager, workorder=order, transition=move)

    assert order.state == WorkOrderState.RELEASED


def test_the_assignee_cannot_plan_nor_complete(world, make_order):
    user = world.members[RoleKind.USER]
    order = make_order(user)

    with pytest.raises(PermissionDenied):
        workorder_transition(membership=user, workorder=order, transition="plan")


def test_another_member_cannot_work_on_an_order_not_theirs(world, make_order):
    manager = world.members[RoleKind.MANAGER]
    order = make_order(world.spare)
    for move in ("plan", "release"):
        workorder_transition(membership=manager, workorder=order, transition=move)

    with pytest.raises(PermissionDenied):
        workorder_transition(
            membership=world.members[RoleKind.USER], workorder=order, transition="start"
        )


def test_progress_counts_operations_when_none_has_planned_hours():
    assert progress_of([]) == 0
    assert progress_of([(None, True), (None, False), (None, False)]) == 33
    assert progress_of([(Decimal("1"), True), (Decimal("3"), False)]) == 25
    assert progress_of([(Decimal("0"), True), (None, False)]) == 50


def test_stored_progress_always_matches_the_rule(world, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = make_order(user)
    operation_add(membership=manager, work_order=order, title="Paint", planned_hours="2")
    for move in ("plan", "release"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    workorder_transition(membership=user, workorder=order, transition="start")
    for operation in operation_list(work_order=order)[:2]:
        operation_update(membership=user, work_order=order, operation=operation, done=True)
        stored = WorkOrder.objects.for_tenant(world.home).get(pk=order.pk).progress
        steps = operation_list(work_order=order).values_list("planned_hours", "done")
        assert stored == progress_of(steps)


def test_operations_are_ticked_only_while_in_progress(world, make_order):
    user = world.members[RoleKind.USER]
    order = make_order(user)
    operation = operation_list(work_order=order)[0]

    with pytest.raises(ValidationError, match="Start the work order"):
        operation_update(membership=user, work_order=order, operation=operation, done=True)


def _started(world, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = make_order(user)
    for move in ("plan", "release"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    workorder_transition(membership=user, workorder=order, transition="start")
    return order


def test_parts_post_an_issue_to_the_stock_ledger(world, make_order, stock):
    user = world.members[RoleKind.USER]
    item, place = stock
    order = _started(world, make_order)

    part = part_issue(membership=user, work_order=order, item=item, location=place, quantity=4)

    movement = StockMovement.objects.for_tenant(world.home).get(pk=part.movement_id)
    assert movement.kind == "issue"
    assert movement.reference == f"workorders.workorder:{order.pk}"
    assert StockBalance.objects.for_tenant(world.home).get(item=item).quantity == 96


def test_a_short_stock_refusal_leaves_nothing_behind(world, make_order, stock):
    user = world.members[RoleKind.USER]
    item, place = stock
    order = _started(world, make_order)

    with pytest.raises(ValidationError, match="Not enough"):
        part_issue(membership=user, work_order=order, item=item, location=place, quantity=101)

    assert not order.parts.exists()
    assert StockBalance.objects.for_tenant(world.home).get(item=item).quantity == 100


def test_a_new_order_takes_only_its_organizations_customer(world):
    from opsbase.modules.customers.models import Customer

    away_customer = Customer(tenant=world.away, name="Foreign")
    away_customer.save()

    with pytest.raises(ValidationError):
        workorder_create(
            membership=world.members[RoleKind.MANAGER], title="X", customer=away_customer
        )
