"""Maintenance pages, the dashboard card (overdue plans), the demo and role templates as
people see them; the query budgets of the lists and details."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.maintenance.constants import ALL_CODENAMES, RECORD_HOURS, VIEW
from opsbase.modules.maintenance.models import Equipment, MaintenanceOrder, MaintenancePlan
from opsbase.modules.maintenance.services import maintenance_generate_due
from opsbase.modules.maintenance.views import maintenance_dashboard_counts
from opsbase.testing.api import token_client
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .conftest import days


def test_overdue_plans_show_on_the_dashboard_and_in_the_filtered_list(world, make_plan):
    manager = world.members[RoleKind.MANAGER]
    never_run = make_plan(world.spare, title="Never generated", next_due_date=days(-3))
    late = make_plan(world.spare, title="Order still open", next_due_date=days(-10))
    maintenance_generate_due(day=days(-10))  # its order is due ten days ago, still open
    make_plan(world.spare, title="Due next week", next_due_date=days(5))
    make_plan(world.spare, title="Due later", next_due_date=days(60))

    counts = {str(label): n for label, n, _url in maintenance_dashboard_counts(manager)}
    listing = session_client(manager).get("/maintenance/plans/?overdue=true")
    dashboard = session_client(manager).get("/")

    assert counts == {"Overdue plans": 2, "Due within a week": 1, "Open maintenance orders": 1}
    html = listing.content.decode()
    assert never_run.title in html and late.title in html and "Due later" not in html
    assert 'data-testid="dashboard-card-maintenance"' in dashboard.content.decode()
    assert not html_problems(listing.content)


def test_a_completed_order_is_not_overdue(world, make_plan):
    from opsbase.modules.workorders.models import WorkOrder
    from opsbase.modules.workorders.services import workorder_move_to

    manager = world.members[RoleKind.MANAGER]
    plan = make_plan(world.spare, next_due_date=days(-10), assignee=manager)
    maintenance_generate_due(day=days(-10))
    order = MaintenanceOrder.objects.for_tenant(world.home).get(plan_id=plan.pk)
    work_order = WorkOrder.objects.for_tenant(world.home).get(pk=order.work_order_id)
    for state in ("planned", "released", "in_progress"):
        workorder_move_to(membership=manager, workorder=work_order, state=state)
    for operation in work_order.operations.all():
        from opsbase.modules.workorders.services import operation_update

        operation_update(membership=manager, work_order=work_order, operation=operation, done=True)
    for state in ("qc", "completed"):
        workorder_move_to(membership=manager, workorder=work_order, state=state)

    counts = {str(label): n for label, n, _url in maintenance_dashboard_counts(manager)}

    assert counts["Overdue plans"] == 0 and counts["Open maintenance orders"] == 0


def test_the_plan_page_lists_its_generated_orders(world, make_plan):
    manager = world.members[RoleKind.MANAGER]
    plan = make_plan(world.spare)
    maintenance_generate_due()

    page = session_client(manager).get(f"/maintenance/plans/{plan.pk}/")
    api = token_client(manager).get(f"/api/v1/maintenance-plans/{plan.pk}/").json()

    assert 'data-testid="maintenanceplan-order"' in page.content.decode()
    assert api["orders"][0]["work_order_number"].startswith("WO-")
    assert not html_problems(page.content)


def test_role_templates_grant_maintenance_permissions(world):
    templates = {t["slug"]: set(t["permissions"]) for t in policy.templates()}

    assert templates["technician"] & set(ALL_CODENAMES) == {VIEW, RECORD_HOURS}
    assert set(ALL_CODENAMES) <= templates["production-manager"]
    assert set(ALL_CODENAMES) <= templates["administrator"]


def test_the_demo_gives_machines_plans_and_overdue_work(world):
    from opsbase.modules.customers.demo import demo_customers_seed
    from opsbase.modules.drillbits.demo import demo_drillbits_seed
    from opsbase.modules.inventory.demo import demo_inventory_seed
    from opsbase.modules.maintenance.demo import demo_maintenance_seed
    from opsbase.modules.workorders.demo import demo_workorders_seed

    for seed in (
        demo_customers_seed,
        demo_inventory_seed,
        demo_drillbits_seed,
        demo_workorders_seed,
        demo_maintenance_seed,
        demo_maintenance_seed,  # again: nothing more
    ):
        seed(tenant=world.home)

    assert Equipment.objects.for_tenant(world.home).count() == 4
    assert MaintenancePlan.objects.for_tenant(world.home).count() == 5
    counts = {
        str(label): n
        for label, n, _url in maintenance_dashboard_counts(world.members[RoleKind.MANAGER])
    }
    assert counts["Overdue plans"] >= 1 and counts["Due within a week"] >= 1


def test_lists_and_details_cost_the_same_for_3_or_12_plans(world, make_plan):
    manager = world.members[RoleKind.MANAGER]
    page, api = session_client(manager), token_client(manager)
    for _ in range(3):
        make_plan(world.spare, assignee=world.members[RoleKind.USER])
    shown = make_plan(world.spare)
    maintenance_generate_due(day=days(-40))  # nothing due then
    maintenance_generate_due()

    def cost():
        counted = []
        for client, url in (
            (page, "/maintenance/plans/"),
            (api, "/api/v1/maintenance-plans/"),
            (page, f"/maintenance/plans/{shown.pk}/"),
            (api, f"/api/v1/maintenance-plans/{shown.pk}/"),
            (page, "/maintenance/equipment/"),
            (api, "/api/v1/equipment/"),
            (page, f"/maintenance/equipment/{shown.equipment_id}/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted

    cost()
    few = cost()
    for _ in range(9):
        make_plan(world.spare, assignee=manager)
    maintenance_generate_due()
    many = cost()

    assert many == few
    assert few[0] <= 20 and few[1] <= 12


def test_a_plans_interval_shows_with_its_unit(world, make_plan):
    manager = world.members[RoleKind.MANAGER]
    by_days = make_plan(world.spare, title="Oil change")
    by_hours = make_plan(world.spare, title="Spindle check", trigger="hours", interval=1)

    html = session_client(manager).get("/maintenance/plans/").content.decode()
    detail = session_client(manager).get(f"/maintenance/plans/{by_hours.pk}/").content.decode()
    api = token_client(manager).get(f"/api/v1/maintenance-plans/{by_days.pk}/").json()

    assert "every 30 days" in html and "every 1 hour of use" in html
    assert "every 1 hour of use" in detail
    assert api["interval"] == 30 and "every" not in api
