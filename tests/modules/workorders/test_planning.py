"""The planning board: the week's planned and released orders per assignee and day, hours
against capacity, and rescheduling (audited) as the policy allows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.workorders.constants import CHANGE, VIEW
from opsbase.modules.workorders.services import workorder_transition
from opsbase.testing.matrix import Case, session_client

from .conftest import manager_of

MONDAY = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())


@pytest.fixture
def make_planned(world, make_order):
    def make(member, day=MONDAY, **fields):
        order = make_order(member, planned_start=day, **fields)
        workorder_transition(
            membership=manager_of(world, member), workorder=order, transition="plan"
        )
        return order

    return make


def test_the_board_puts_orders_on_their_day_and_counts_hours(world, make_planned, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    make_planned(user)  # 4 hours
    make_planned(user)  # 4 more
    make_planned(user, day=MONDAY + dt.timedelta(days=2))
    make_order(user, planned_start=MONDAY)  # a draft: not on the board

    page = session_client(manager).get(f"/work-orders/planning/?week={MONDAY}").content.decode()

    assert page.count('data-testid="planning-card"') == 3
    assert page.count('data-testid="planning-lane"') == 1
    assert "8 of 8 h" in page


def test_an_overloaded_day_is_flagged(world, make_planned):
    user = world.members[RoleKind.USER]
    for _ in range(3):
        make_planned(user)

    page = session_client(world.members[RoleKind.MANAGER]).get("/work-orders/planning/")

    assert "over capacity" in page.content.decode()


def test_moving_a_card_reschedules_it_and_is_audited(world, make_planned):
    manager = world.members[RoleKind.MANAGER]
    order = make_planned(world.members[RoleKind.USER])
    later = MONDAY + dt.timedelta(days=3)

    response = session_client(manager).post(
        f"/work-orders/{order.pk}/reschedule/",
        {"planned_start": later.isoformat(), "week": MONDAY.isoformat()},
    )

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.planned_start == later
    event = AuditEvent.objects.for_tenant(world.home).filter(action="update").last()
    assert "planned_start" in event.changes


def test_the_board_costs_the_same_for_3_or_12_orders(world, make_planned):
    client = session_client(world.members[RoleKind.MANAGER])
    for _ in range(3):
        make_planned(world.members[RoleKind.USER])
    client.get("/work-orders/planning/")
    with CaptureQueriesContext(connection) as few:
        client.get("/work-orders/planning/")
    for n in range(9):
        make_planned(world.spare if n % 2 else world.members[RoleKind.USER])
    with CaptureQueriesContext(connection) as many:
        client.get("/work-orders/planning/")

    assert len(many) == len(few)


PLANNING_CASES = [
    Case(
        "page planning",
        lambda c, o: c.get("/work-orders/planning/"),
        (VIEW,),
        200,
        on_object=False,
        html=True,
    ),
    Case(
        "page reschedule (post)",
        lambda c, o: c.post(
            f"/work-orders/{o.pk}/reschedule/", {"planned_start": MONDAY.isoformat()}
        ),
        (VIEW, CHANGE),
        302,
    ),
]


@pytest.mark.parametrize("case", PLANNING_CASES, ids=str)
def test_the_planning_pages_answer_as_the_policy_decides(world, make_planned, case):
    case.check(world, make=make_planned)
