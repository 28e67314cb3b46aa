"""The work-order pages and the dashboard card, as people see them; the demo's orders."""

from collections import Counter

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.workorders.models import WorkOrder
from opsbase.modules.workorders.selectors import operation_list
from opsbase.modules.workorders.services import operation_update, workorder_transition
from opsbase.modules.workorders.views import workorder_dashboard_counts
from opsbase.testing.matrix import session_client


def _started(world, make_order):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    order = make_order(user)
    for move in ("plan", "release"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    workorder_transition(membership=user, workorder=order, transition="start")
    return order


def test_the_detail_shows_checklist_progress_and_time_in_state(world, make_order):
    user = world.members[RoleKind.USER]
    order = _started(world, make_order)
    first = operation_list(work_order=order)[0]
    operation_update(membership=user, work_order=order, operation=first, done=True)

    page = session_client(user).get(f"/work-orders/{order.pk}/").content.decode()

    assert page.count('data-testid="workorder-operation"') == 2
    assert "25% done" in page
    assert page.count('data-testid="workorder-stay"') == 4
    assert "In progress" in page
    assert "workorders.workorder" not in page


def test_ticking_an_operation_from_the_page(world, make_order):
    user = world.members[RoleKind.USER]
    order = _started(world, make_order)
    first = operation_list(work_order=order)[0]

    response = session_client(user).post(
        f"/work-orders/{order.pk}/operations/{first.pk}/", {"done": "on", "actual_hours": "2"}
    )

    first.refresh_from_db()
    assert response.status_code == 302
    assert first.done is True
    assert str(first.actual_hours) == "2.00"


def test_the_list_filters_by_state(world, make_order):
    manager = world.members[RoleKind.MANAGER]
    started = _started(world, make_order)
    draft = make_order(world.members[RoleKind.USER])

    page = session_client(manager).get("/work-orders/?state=in_progress").content.decode()

    assert started.number in page
    assert draft.number not in page


def test_the_dashboard_counts_states_overdue_and_completed_weeks(world, make_order):
    import datetime as dt

    from django.utils import timezone

    manager = world.members[RoleKind.MANAGER]
    make_order(manager, due_date=timezone.localdate() - dt.timedelta(days=2))
    _started(world, make_order)

    counts = {str(label): n for label, n, _url in workorder_dashboard_counts(manager)}

    assert counts["Draft"] == 1
    assert counts["In progress"] == 1
    assert counts["Overdue"] == 1
    assert len([k for k in counts if k.startswith("Completed in the week")]) == 4


def test_the_demo_spreads_thirty_orders_across_every_state(world):
    from opsbase.kernel.modules import modules_in_dependency_order
    from opsbase.modules.workorders.demo import demo_workorders_seed

    for module in modules_in_dependency_order():
        if module.label in ("customers", "inventory", "sites", "drillbits"):
            module.demo_seed(tenant=world.home)
    demo_workorders_seed(tenant=world.home)
    demo_workorders_seed(tenant=world.home)  # again: nothing more

    orders = WorkOrder.objects.for_tenant(world.home)
    states = Counter(orders.values_list("state", flat=True))
    assert orders.count() == 30
    assert set(states) == {
        "draft",
        "planned",
        "released",
        "in_progress",
        "on_hold",
        "qc",
        "completed",
        "cancelled",
    }
    assert orders.filter(parts__isnull=False).exists()
    assert orders.filter(bits__isnull=False).exists()


def test_the_dashboard_shows_the_work_order_card(world, make_order):
    from django.urls import reverse

    from opsbase.testing.html import html_problems

    make_order(world.members[RoleKind.USER])
    response = session_client(world.members[RoleKind.MANAGER]).get(reverse("web:home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="dashboard-card-workorders"' in html
    assert "Completed in the week of" in html
    assert not html_problems(response.content)
