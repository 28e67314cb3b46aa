"""The maintenance scheduler: due plans become maintenance work orders once, whatever runs
it and however often; missed days make one order, never one per day."""

from decimal import Decimal

from django.conf import settings

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.maintenance.models import MaintenanceOrder, MaintenancePlan
from opsbase.modules.maintenance.services import (
    equipment_record_hours,
    maintenance_generate_due,
)
from opsbase.modules.maintenance.tasks import maintenance_generate
from opsbase.modules.workorders.models import WorkOrder

from .conftest import days, today


def _plan(plan):
    return MaintenancePlan.objects.for_tenant(plan.tenant_id).get(pk=plan.pk)


def _orders(plan):
    return MaintenanceOrder.objects.for_tenant(plan.tenant_id).filter(plan_id=plan.pk)


def test_a_due_plan_becomes_a_maintenance_work_order(world, make_plan):
    user = world.members[RoleKind.USER]
    plan = make_plan(world.spare, title="Spindle lubrication", assignee=user)

    made = maintenance_generate_due()

    assert made == 1
    order = _orders(plan).get()
    work_order = WorkOrder.objects.for_tenant(world.home).get(pk=order.work_order_id)
    assert work_order.type == "maintenance"
    assert "Spindle lubrication" in work_order.title
    assert work_order.assignee_id == user.pk and work_order.due_date == today()
    assert [op.title for op in work_order.operations.order_by("position")] == [
        "Drain the oil",
        "Refill",
    ]
    assert _plan(plan).next_due_date == days(30)
    assert audit_chain_verify(tenant=world.home).ok


def test_running_twice_the_same_day_creates_each_order_once(world, make_plan):
    due = [make_plan(world.spare) for _ in range(3)]
    make_plan(world.spare, next_due_date=days(5))  # not due yet
    foreign = make_plan(world.away_members[RoleKind.USER])

    first = maintenance_generate_due()
    second = maintenance_generate_due()
    third = maintenance_generate()  # the Celery task, as beat runs it

    assert (first, second, third) == (4, 0, 0)
    assert all(_orders(plan).count() == 1 for plan in [*due, foreign])
    assert WorkOrder.objects.for_tenant(world.home).filter(type="maintenance").count() == 3


def test_missed_days_make_one_order_and_the_plan_moves_past_today(world, make_plan):
    plan = make_plan(world.spare, next_due_date=days(-75), interval=30)

    maintenance_generate_due()
    maintenance_generate_due(day=today())

    assert _orders(plan).count() == 1
    assert _orders(plan).get().due_date == days(-75)
    assert _plan(plan).next_due_date == days(15)


def test_the_next_day_makes_the_next_order_only_when_it_falls_due(world, make_plan):
    plan = make_plan(world.spare, interval=1)

    maintenance_generate_due(day=today())
    maintenance_generate_due(day=days(1))
    maintenance_generate_due(day=days(1))

    assert sorted(_orders(plan).values_list("due_date", flat=True)) == [today(), days(1)]


def test_an_hours_plan_is_due_when_the_meter_reaches_it(world, make_plan, make_equipment):
    manager = world.members[RoleKind.MANAGER]
    machine = make_equipment(world.spare, hours_meter=Decimal("1000"))
    plan = make_plan(world.spare, equipment=machine, trigger="hours", interval=250)

    assert _plan(plan).next_due_hours == Decimal("1250")
    assert maintenance_generate_due() == 0
    equipment_record_hours(membership=manager, equipment=machine, hours=Decimal("1262.5"))
    assert maintenance_generate_due() == 1
    assert maintenance_generate_due() == 0

    order = _orders(plan).get()
    assert order.due_hours == Decimal("1250") and order.due_date == today()
    assert _plan(plan).next_due_hours == Decimal("1500")


def test_an_inactive_plan_makes_nothing(world, make_plan):
    plan = make_plan(world.spare, active=False)

    assert maintenance_generate_due() == 0
    assert not _orders(plan).exists()


def test_the_scheduler_acts_for_an_admin_when_the_owner_may_not(world, make_plan):
    from opsbase.kernel.tenants.models import Membership

    plan = make_plan(world.spare)
    owner = plan.owner
    Membership.objects.for_tenant(world.home).filter(pk=owner.pk).update(is_active=False)

    maintenance_generate_due()

    work_order = WorkOrder.objects.for_tenant(world.home).get(pk=_orders(plan).get().work_order_id)
    assert work_order.created_by_id == world.members[RoleKind.ADMIN].user_id


def test_beat_runs_the_scheduler_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["opsbase-maintenance-generate-due"]

    assert entry["task"] == "opsbase.maintenance.generate_due"


def test_a_reading_below_the_meter_is_a_field_error(world, make_equipment):
    machine = make_equipment(world.spare, hours_meter=Decimal("500"))
    from opsbase.testing.api import token_client

    response = token_client(world.members[RoleKind.USER]).post(
        f"/api/v1/equipment/{machine.pk}/hours/", {"hours": "499.5"}, format="json"
    )

    assert response.status_code == 400
    assert "hours" in response.json()["error"]["fields"]


def test_a_days_plan_needs_its_first_due_date(world, make_equipment):
    from opsbase.testing.api import token_client

    machine = make_equipment(world.spare)
    response = token_client(world.members[RoleKind.MANAGER]).post(
        "/api/v1/maintenance-plans/",
        {"title": "Oil", "equipment": machine.pk, "trigger": "days", "interval": 30},
        format="json",
    )

    assert response.status_code == 400
    assert "next_due_date" in response.json()["error"]["fields"]


def test_another_organizations_machine_is_a_field_error(world, make_equipment):
    from opsbase.testing.api import token_client

    machine = make_equipment(world.away_members[RoleKind.USER])
    response = token_client(world.members[RoleKind.MANAGER]).post(
        "/api/v1/maintenance-plans/",
        {
            "title": "Oil",
            "equipment": machine.pk,
            "trigger": "days",
            "interval": 30,
            "next_due_date": today().isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert "equipment" in response.json()["error"]["fields"]


def test_the_database_refuses_a_second_order_for_one_due_date(world, make_plan):
    import pytest
    from django.db import IntegrityError, transaction

    plan = make_plan(world.spare)
    maintenance_generate_due()
    first = _orders(plan).get()

    with pytest.raises(IntegrityError), transaction.atomic():
        MaintenanceOrder.objects.create(
            tenant_id=plan.tenant_id,
            plan_id=plan.pk,
            work_order_id=first.work_order_id,
            due_date=first.due_date,
        )
