"""The dashboard's cost-of-poor-quality card: scrap in the stock ledger and NCR dispositions
of the last 30 days."""

import datetime as dt

from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.services import movement_post
from opsbase.modules.quality.costs import poor_quality_dashboard_counts
from opsbase.modules.quality.services import disposition_record
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .conftest import to_disposition


def test_the_card_counts_scrap_in_the_ledger_and_ncr_dispositions(world, make_ncr, stock):
    manager = world.members[RoleKind.MANAGER]
    item, place = stock
    movement_post(membership=manager, kind="scrap", item=item, quantity=2, from_location=place)
    movement_post(
        membership=manager,
        kind="scrap",
        item=item,
        quantity=1,
        from_location=place,
        effective_date=timezone.localdate() - dt.timedelta(days=45),  # outside the window
    )
    ncr = make_ncr(
        world.members[RoleKind.USER],
        item=item,
        location=place,
        quantity_inspected=5,
        quantity_nonconforming=3,
    )
    disposition_record(membership=manager, ncr=to_disposition(world, ncr), kind="scrap")

    counts = {str(label): n for label, n, _url in poor_quality_dashboard_counts(manager)}
    dashboard = session_client(manager).get("/")

    assert counts["Scrap movements (30 days)"] == 2
    assert counts["Units scrapped (30 days)"] == 5
    assert counts["Scrapped by NCRs"] == 1
    assert counts["Rework orders from NCRs"] == 0
    assert 'data-testid="dashboard-card-quality-cost"' in dashboard.content.decode()
    assert not html_problems(dashboard.content)


def test_another_organizations_scrap_is_not_counted(world, stock):
    item, place = stock
    movement_post(
        membership=world.members[RoleKind.MANAGER],
        kind="scrap",
        item=item,
        quantity=4,
        from_location=place,
    )

    counts = {
        str(label): n
        for label, n, _url in poor_quality_dashboard_counts(world.away_members[RoleKind.MANAGER])
    }

    assert counts["Units scrapped (30 days)"] == 0
