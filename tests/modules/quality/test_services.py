"""The seed-004 NCR workflow with every disposition type, each applied in the same
transaction as it is recorded, and the NCR's own rules."""

from decimal import Decimal

import pytest

from opsbase.core.exceptions import InvalidTransition, PermissionDenied, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.modules.drillbits.constants import BitState
from opsbase.modules.inventory.models import StockBalance, StockMovement
from opsbase.modules.quality.constants import NcrState
from opsbase.modules.quality.models import Disposition
from opsbase.modules.quality.services import (
    disposition_record,
    ncr_create,
    ncr_transition,
    ncr_update,
)
from opsbase.modules.tasks.models import Task
from opsbase.modules.workorders.models import WorkOrder

from .conftest import returned_bit, to_disposition


def _balance(item, place):
    return StockBalance.objects.for_tenant(item.tenant_id).get(item=item, location=place).quantity


def test_ncrs_are_numbered_per_organization_and_year(world, user, make_ncr):
    first, second = make_ncr(user), make_ncr(user)
    away = make_ncr(world.away_members["user"])

    assert first.number.startswith("NCR-") and first.number.endswith("-0001")
    assert second.number.endswith("-0002")
    assert away.number.endswith("-0001")
    assert first.state == NcrState.OPEN and first.raised_by == user


def test_an_ncr_needs_a_subject(user):
    with pytest.raises(ValidationError) as refused:
        ncr_create(membership=user, title="Something is wrong")

    assert "subject_text" in refused.value.extra["fields"]


def test_no_more_can_be_nonconforming_than_inspected(user, make_ncr):
    with pytest.raises(ValidationError) as refused:
        make_ncr(user, quantity_inspected=Decimal("2"), quantity_nonconforming=Decimal("3"))

    assert "quantity_nonconforming" in refused.value.extra["fields"]


def test_another_organizations_bit_is_a_field_error(world, user, make_ncr):
    foreign = returned_bit(world, world.away)

    with pytest.raises(ValidationError) as refused:
        make_ncr(user, drill_bit=foreign)

    assert "drill_bit" in refused.value.extra["fields"]


def test_the_corrective_action_becomes_a_linked_task(manager, make_ncr):
    ncr = make_ncr(manager, corrective_action="Recalibrate the milling fixture")

    task = Task.objects.for_tenant(manager.tenant_id).get(pk=ncr.corrective_task_id)
    assert task.description == "Recalibrate the milling fixture"
    assert ncr.number in task.title


def test_disposition_needs_a_root_cause_first(manager, make_ncr):
    ncr = make_ncr(manager)
    ncr_transition(membership=manager, ncr=ncr, transition="investigate")

    with pytest.raises(InvalidTransition) as refused:
        ncr_transition(membership=manager, ncr=ncr, transition="disposition")

    assert "root cause" in str(refused.value)


def test_closing_needs_a_disposition(world, user, manager, make_ncr):
    ncr = to_disposition(world, make_ncr(user))

    with pytest.raises(InvalidTransition) as refused:
        ncr_transition(membership=manager, ncr=ncr, transition="close")

    assert "Closing needs a disposition" in str(refused.value)


def test_an_open_ncr_can_be_cancelled_with_a_reason(manager, make_ncr):
    ncr = make_ncr(manager)

    ncr_transition(membership=manager, ncr=ncr, transition="cancel", reason="Raised twice")

    assert ncr.state == NcrState.CANCELLED


def test_a_closed_ncr_is_not_changed(world, user, manager, make_ncr):
    ncr = to_disposition(world, make_ncr(user))
    disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)
    ncr_transition(membership=manager, ncr=ncr, transition="close")

    with pytest.raises(ValidationError):
        ncr_update(membership=manager, ncr=ncr, title="Changed")
    assert ncr.closed_at is not None


# -- every disposition type ---------------------------------------------------------------------


def test_use_as_is_needs_a_concession_approver(world, user, manager, make_ncr):
    ncr = to_disposition(world, make_ncr(user))

    with pytest.raises(ValidationError) as missing:
        disposition_record(membership=manager, ncr=ncr, kind="use_as_is")
    with pytest.raises(ValidationError) as unqualified:
        disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=user)
    done = disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)

    assert "approver" in missing.value.extra["fields"]
    assert "approver" in unqualified.value.extra["fields"]
    assert done.approver == manager
    ncr_transition(membership=manager, ncr=ncr, transition="close")
    assert ncr.state == NcrState.CLOSED


def test_rework_creates_a_rework_work_order(world, user, manager, make_ncr):
    bit = returned_bit(world, world.home)
    ncr = to_disposition(world, make_ncr(user, drill_bit=bit))

    disposition = disposition_record(membership=manager, ncr=ncr, kind="rework", notes="Re-mill")

    order = WorkOrder.objects.for_tenant(manager.tenant_id).get(pk=disposition.work_order_id)
    assert order.type == "repair" and order.state == "draft"
    assert ncr.number in order.title and bit.serial_number in order.title


def test_repair_moves_the_bit_to_repair(world, user, manager, make_ncr):
    bit = returned_bit(world, world.home)
    ncr = to_disposition(world, make_ncr(user, drill_bit=bit))

    disposition_record(membership=manager, ncr=ncr, kind="repair")

    bit.refresh_from_db()
    assert bit.status == BitState.REPAIR


def test_scrap_scraps_the_bit_through_its_workflow(world, user, manager, make_ncr):
    bit = returned_bit(world, world.home)
    ncr = to_disposition(world, make_ncr(user, drill_bit=bit))

    disposition_record(membership=manager, ncr=ncr, kind="scrap")

    bit.refresh_from_db()
    assert bit.status == BitState.SCRAPPED
    assert (
        AuditEvent.objects.for_tenant(manager.tenant_id)
        .filter(action="drillbit.transition.scrap")
        .exists()
    )


def test_scrap_of_stock_posts_a_scrap_movement(world, user, manager, make_ncr, stock):
    item, place = stock
    ncr = to_disposition(
        world,
        make_ncr(user, item=item, location=place, quantity_inspected=5, quantity_nonconforming=3),
    )

    disposition = disposition_record(membership=manager, ncr=ncr, kind="scrap")

    movement = disposition.movement
    assert movement.kind == "scrap" and movement.quantity == Decimal("3")
    assert movement.reference == f"quality.ncr:{ncr.pk}"
    assert _balance(item, place) == Decimal("7")


def test_return_to_vendor_takes_the_stock_out(world, user, manager, make_ncr, stock):
    item, place = stock
    ncr = to_disposition(world, make_ncr(user, item=item, location=place))

    disposition = disposition_record(
        membership=manager, ncr=ncr, kind="return_to_vendor", quantity="4"
    )

    assert disposition.movement.quantity == Decimal("4")
    assert "vendor" in disposition.movement.reason
    assert _balance(item, place) == Decimal("6")


def test_a_failed_action_rolls_the_disposition_back(world, user, manager, make_ncr, stock):
    item, place = stock
    ncr = to_disposition(world, make_ncr(user, item=item, location=place))
    movements = StockMovement.objects.for_tenant(manager.tenant_id).count()

    with pytest.raises(ValidationError) as refused:
        disposition_record(membership=manager, ncr=ncr, kind="scrap", quantity="50")

    assert "Not enough" in str(refused.value.extra["fields"]["quantity"])
    assert not Disposition.objects.for_tenant(manager.tenant_id).exists()
    assert StockMovement.objects.for_tenant(manager.tenant_id).count() == movements
    assert _balance(item, place) == Decimal("10")


def test_repair_of_a_bit_that_cannot_go_there_keeps_nothing(world, user, manager, make_ncr):
    bit = returned_bit(world, world.home)
    ncr = to_disposition(world, make_ncr(user, drill_bit=bit))
    disposition_record(membership=manager, ncr=ncr, kind="scrap")

    with pytest.raises(InvalidTransition):
        disposition_record(membership=manager, ncr=ncr, kind="repair")

    assert Disposition.objects.for_tenant(manager.tenant_id).count() == 1


def test_dispositions_wait_for_the_disposition_state(manager, make_ncr):
    ncr = make_ncr(manager)

    with pytest.raises(ValidationError):
        disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)


def test_a_user_cannot_record_a_disposition(world, user, manager, make_ncr):
    ncr = to_disposition(world, make_ncr(manager))

    with pytest.raises(PermissionDenied):
        disposition_record(membership=user, ncr=ncr, kind="use_as_is", approver=manager)


def test_every_disposition_is_audited(world, user, manager, make_ncr):
    ncr = to_disposition(world, make_ncr(user))

    disposition = disposition_record(
        membership=manager, ncr=ncr, kind="use_as_is", approver=manager
    )

    assert (
        AuditEvent.objects.for_tenant(manager.tenant_id)
        .filter(target_type__icontains="disposition", target_id=str(disposition.pk))
        .exists()
    )
