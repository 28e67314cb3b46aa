"""The analytics dashboard: KPI tiles with trends, charts with their CSV, the date range, the
quick create menu; what each role and each organization sees, its queries, its cache."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.billing.services import invoice_create, invoice_issue, payment_record
from opsbase.modules.customers.models import Customer
from opsbase.modules.leads.services import lead_create
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_create, task_transition
from opsbase.testing.matrix import session_client
from opsbase.web import dashboard
from opsbase.web.dashboard import Chart, ChartData, Period, Series, period_last

HOME = "/"
LINES = [{"description": "Inspection", "quantity": Decimal(2), "unit_amount": Decimal("300.00")}]


def _kpis(html: str) -> dict[str, str]:
    """Tile key -> the value shown."""
    found = re.findall(
        r'data-testid="kpi-(?!value"|trend")([\w-]+)".*?data-testid="kpi-value">\s*([^<]*?)\s*<',
        html,
        re.S,
    )
    return dict(found)


def _trend(html: str, key: str) -> str:
    tile = html[html.index(f'data-testid="kpi-{key}"') :]
    return re.search(r'data-testid="kpi-trend" data-direction="(\w+)"', tile).group(1)


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _task(member, title="Check the pumps", **fields):
    return task_create(membership=member, title=title, notify=False, **fields)


def _invoice(admin, *, paid=None):
    customer = Customer.objects.for_tenant(admin.tenant).filter(currency="EUR").first()
    if customer is None:
        customer = Customer(tenant=admin.tenant, name="Initech", currency="EUR")
        customer.save()
    invoice = invoice_create(membership=admin, customer=customer, lines=LINES)
    invoice_issue(membership=admin, invoice=invoice)
    if paid:
        payment_record(
            membership=admin, customer=customer, amount=paid, allocations=[(invoice, paid)]
        )
    return invoice


# -- who sees what ---------------------------------------------------------------------------

TILES = {
    "tasks-open",
    "tasks-overdue",
    "leads-new",
    "leads-conversion",
    "revenue-issued",
    "revenue-paid",
    "revenue-outstanding",
}


@pytest.mark.parametrize(
    ("kind", "revenue"),
    [(RoleKind.ADMIN, True), (RoleKind.MANAGER, None), (RoleKind.USER, False)],
)
def test_each_role_sees_the_tiles_and_charts_its_permissions_allow(world, kind, revenue):
    member = world.members[kind]
    may_bill = member.role.grants("billing.view")
    if revenue is None:
        revenue = may_bill
    assert may_bill is revenue  # the built-in roles: Admins bill, Users have no billing

    response = session_client(member).get(HOME)

    html = response.content.decode()
    assert response.status_code == 200
    shown = set(_kpis(html))
    assert {"tasks-open", "tasks-overdue"} <= shown
    assert ("revenue-issued" in shown) is revenue
    assert ("revenue-outstanding" in shown) is revenue
    assert ('data-testid="chart-revenue"' in html) is revenue
    assert 'data-testid="chart-tasks-done"' in html


@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER])
@pytest.mark.parametrize("chart", ["tasks-done", "lead-funnel", "revenue"])
def test_chart_csv_answers_what_the_role_may_see(world, kind, chart):
    member = world.members[kind]
    codename = dashboard.chart_get(world.members[RoleKind.ADMIN], chart).codename

    response = session_client(member).get(reverse("web:chart_csv", args=[chart]))

    assert response.status_code == (200 if member.role.grants(codename) else 403)


def test_an_unknown_chart_is_404_and_a_visitor_is_sent_to_sign_in(world, client):
    admin = world.members[RoleKind.ADMIN]
    assert session_client(admin).get("/dashboard/charts/nope.csv").status_code == 404
    response = client.get(reverse("web:chart_csv", args=["tasks-done"]))
    assert response.status_code == 302


def test_another_organizations_numbers_never_appear(world):
    home_admin = world.members[RoleKind.ADMIN]
    away_admin = world.away_members[RoleKind.ADMIN]
    for n in range(3):
        _task(away_admin, title=f"Globex task {n}")
    _invoice(away_admin, paid=Decimal("600.00"))
    _task(home_admin)

    client = session_client(home_admin)
    for _ in range(2):  # computed, then from the cache
        html = client.get(HOME).content.decode()
        kpis = _kpis(html)
        assert kpis["tasks-open"] == "1"
        assert kpis["revenue-issued"].startswith("0")
        assert kpis["revenue-paid"].startswith("0")
    away = _kpis(session_client(away_admin).get(HOME).content.decode())
    assert away["tasks-open"] == "3"
    assert away["revenue-paid"].startswith("600")
    rows = _csv(client.get(reverse("web:chart_csv", args=["revenue"])))
    assert all(Decimal(cell) == 0 for row in rows[1:] for cell in row[1:])


def test_a_user_counts_only_its_own_tasks(world):
    admin, user = world.members[RoleKind.ADMIN], world.members[RoleKind.USER]
    _task(admin)
    _task(admin, title="Another")
    _task(user)

    assert _kpis(session_client(user).get(HOME).content.decode())["tasks-open"] == "1"
    assert _kpis(session_client(admin).get(HOME).content.decode())["tasks-open"] == "3"


# -- figures, trends, period ------------------------------------------------------------------


def test_trends_compare_with_the_previous_period(world):
    admin = world.members[RoleKind.ADMIN]
    old = timezone.now() - timedelta(days=40)
    late = _task(admin, title="Late", due_date=timezone.localdate() - timedelta(days=3))
    done = _task(admin, title="Done long ago")
    Task.objects.for_tenant(admin.tenant).filter(pk=done.pk).update(created_at=old)
    task_transition(membership=admin, task=done, transition="complete")
    Task.objects.for_tenant(admin.tenant).filter(pk=done.pk).update(
        completed_at=old + timedelta(days=1)
    )
    assert late.pk

    html = session_client(admin).get(HOME + "?range=30").content.decode()

    kpis = _kpis(html)
    assert kpis["tasks-open"] == "1"  # the late one; 30 days ago the done one was open
    assert kpis["tasks-overdue"] == "1"
    assert _trend(html, "tasks-overdue") == "up"
    assert 'data-direction="up"' in html
    # more overdue tasks is bad news
    tile = html[html.index('data-testid="kpi-tasks-overdue"') :]
    trend = tile[: tile.index('data-testid="kpi-trend"')]
    assert trend.rstrip().endswith('text-danger-emphasis"')


def test_revenue_issued_paid_and_outstanding(world):
    admin = world.members[RoleKind.ADMIN]
    _invoice(admin, paid=Decimal("200.00"))
    _invoice(admin)

    kpis = _kpis(session_client(admin).get(HOME).content.decode())

    assert kpis["revenue-issued"] == "1,200.00 EUR"
    assert kpis["revenue-paid"] == "200.00 EUR"
    assert kpis["revenue-outstanding"] == "1,000.00 EUR"


def test_new_leads_and_conversion(world):
    admin = world.members[RoleKind.ADMIN]
    for n in range(4):
        lead_create(membership=admin, name=f"Lead {n}")

    kpis = _kpis(session_client(admin).get(HOME).content.decode())

    assert kpis["leads-new"] == "4"
    assert kpis["leads-conversion"] == "–"  # none closed yet: no rate


@pytest.mark.parametrize("days", [7, 30, 90])
def test_presets_choose_the_last_days(world, days):
    html = session_client(world.members[RoleKind.ADMIN]).get(f"{HOME}?range={days}")
    page = html.content.decode()
    assert f'data-testid="range-{days}"' in page
    active = re.search(r'class="btn btn-outline-secondary active" href="\?range=(\d+)"', page)
    assert active.group(1) == str(days)


def test_a_custom_range_is_shown_and_a_wrong_one_is_400_with_field_errors(world):
    client = session_client(world.members[RoleKind.ADMIN])

    good = client.get(HOME, {"range": "custom", "start": "2026-01-01", "end": "2026-01-31"})
    assert good.status_code == 200
    assert 'data-testid="dashboard-custom-range"' in good.content.decode()

    bad = client.get(HOME, {"range": "custom", "start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 400
    assert "The last day comes before the first." in bad.content.decode()
    assert client.get(HOME, {"range": "custom", "start": "nope"}).status_code == 400
    assert client.get(HOME, {"range": "12"}).status_code == 400
    csv_bad = client.get(reverse("web:chart_csv", args=["tasks-done"]), {"range": "custom"})
    assert csv_bad.status_code == 400
    assert set(csv_bad.json()["errors"]) == {"start", "end"}


def test_period_previous_is_the_same_length_just_before():
    period = Period(timezone.localdate() - timedelta(days=9), timezone.localdate())
    before = period.previous()
    assert before.days == period.days == 10
    assert before.end == period.start - timedelta(days=1)
    assert period_last(7).days == 7


# -- CSV --------------------------------------------------------------------------------------


def test_tasks_done_csv_has_one_row_per_week_with_the_counts(world):
    admin = world.members[RoleKind.ADMIN]
    for n in range(3):
        task_transition(
            membership=admin, task=_task(admin, title=f"Task {n}"), transition="complete"
        )
    _task(admin, title="Still open")

    response = session_client(admin).get(
        reverse("web:chart_csv", args=["tasks-done"]) + "?range=30"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["Week of", "Tasks done"]
    weeks = period_last(30).weeks()
    assert [row[0] for row in rows[1:]] == [w.isoformat() for w in weeks]
    assert sum(int(row[1]) for row in rows[1:]) == 3
    today = timezone.localdate()
    this_week = (today - timedelta(days=today.weekday())).isoformat()
    assert dict(rows[1:])[this_week] == "3"


def test_revenue_csv_names_the_currency_and_sums_by_month(world):
    admin = world.members[RoleKind.ADMIN]
    _invoice(admin, paid=Decimal("150.00"))

    rows = _csv(session_client(admin).get(reverse("web:chart_csv", args=["revenue"]) + "?range=7"))

    assert rows[0] == ["Month", "Invoiced (EUR)", "Received (EUR)"]
    this_month = timezone.localdate().strftime("%Y-%m")
    assert rows[-1] == [this_month, "600.00", "150.00"]


def test_funnel_csv_lists_the_stages_in_order(world):
    admin = world.members[RoleKind.ADMIN]
    lead_create(membership=admin, name="Jane")

    rows = _csv(session_client(admin).get(reverse("web:chart_csv", args=["lead-funnel"])))

    assert rows[0] == ["Stage", "Leads"]
    assert len(rows) > 2
    assert sum(int(r[1]) for r in rows[1:]) == 1


# -- cache and queries ------------------------------------------------------------------------


def test_the_figures_follow_every_write(world):
    admin = world.members[RoleKind.ADMIN]
    client = session_client(admin)
    assert _kpis(client.get(HOME).content.decode())["tasks-open"] == "0"

    task = _task(admin)
    assert _kpis(client.get(HOME).content.decode())["tasks-open"] == "1"

    task_transition(membership=admin, task=task, transition="complete")
    kpis = _kpis(client.get(HOME).content.decode())
    assert kpis["tasks-open"] == "0"
    rows = _csv(client.get(reverse("web:chart_csv", args=["tasks-done"])))
    assert sum(int(r[1]) for r in rows[1:]) == 1


def test_a_repeated_dashboard_reads_its_figures_from_the_cache(world):
    admin = world.members[RoleKind.ADMIN]
    _task(admin)
    _invoice(admin, paid=Decimal("10.00"))
    client = session_client(admin)
    client.get(HOME)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200

    data = [
        q["sql"]
        for q in queries.captured_queries
        if any(t in q["sql"] for t in ("tasks_task", "leads_lead", "billing_", "quality_"))
    ]
    assert data == []
    assert len(queries) <= 12


def test_the_first_dashboard_stays_within_its_query_budget(world):
    admin = world.members[RoleKind.ADMIN]
    _task(admin)
    _invoice(admin, paid=Decimal("10.00"))
    client = session_client(admin)
    client.get("/tasks/")  # the session and the shell's own first reads

    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME + "?range=90").status_code == 200

    # every figure group and chart costs a few queries, whatever the number of records
    assert len(queries) <= 45, [q["sql"][:120] for q in queries.captured_queries]


# -- declarations -----------------------------------------------------------------------------


@pytest.fixture
def campaign_chart():
    """A chart a module contributes (the marketing module's campaign ROI, say)."""

    def roi(membership, period):
        return ChartData(
            labels=["=Winter sale", "News"],
            series=[Series("ROI", [Decimal("1.5"), Decimal("-0.25")])],
            unit="%",
        )

    dashboard.register_chart(
        Chart(key="campaign-roi", title="Campaign ROI", heading="Campaign", data=roi, order=90)
    )
    yield
    dashboard.unregister_chart("campaign-roi")


def test_a_module_s_chart_joins_the_dashboard_with_its_csv(world, campaign_chart):
    client = session_client(world.members[RoleKind.USER])

    html = client.get(HOME).content.decode()
    rows = _csv(client.get(reverse("web:chart_csv", args=["campaign-roi"])))

    assert 'data-testid="chart-campaign-roi"' in html
    assert rows == [["Campaign", "ROI (%)"], ["'=Winter sale", "1.5"], ["News", "'-0.25"]]


def test_quick_create_lists_the_create_pages_the_role_may_open(world):
    admin_html = session_client(world.members[RoleKind.ADMIN]).get(HOME).content.decode()
    user_html = session_client(world.members[RoleKind.USER]).get(HOME).content.decode()

    assert 'href="/tasks/new/"' in admin_html
    assert 'href="/billing/invoices/new/"' in admin_html
    menu = user_html[user_html.index('data-testid="quick-create"') :]
    assert 'href="/tasks/new/"' in menu
    assert "/billing/invoices/new/" not in menu
