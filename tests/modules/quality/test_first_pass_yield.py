"""The dashboard's first-pass yield: per week, the share of subjects whose first inspection
passed; a later re-inspection, a subject inspected before the period and another
organization's inspections do not count."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.quality.dashboard import first_pass_yield_per_week
from opsbase.modules.quality.models import Inspection
from opsbase.modules.quality.services import inspection_create
from opsbase.web.dashboard import Period

from .conftest import PASSING, qc_version


def at(inspection, day):
    moment = timezone.make_aware(datetime.combine(day, time(10)))
    Inspection.objects.for_tenant(inspection.tenant_id).filter(pk=inspection.pk).update(
        inspected_at=moment
    )


def again(inspection, answers=PASSING):
    manager = inspection.inspector
    return inspection_create(
        membership=manager,
        form_version=qc_version(manager),
        answers=answers,
        drill_bit=inspection.drill_bit,
    )


def test_each_subjects_first_inspection_counts_in_its_week(world, make_inspection):
    manager = world.members[RoleKind.MANAGER]
    today = timezone.localdate()
    this_week = today - timedelta(days=today.weekday())
    last_week = this_week - timedelta(days=7)
    period = Period(start=last_week, end=today)

    failed_first = make_inspection(manager, failed=True)  # then passes: still a failed first
    at(failed_first, last_week)
    at(again(failed_first), last_week + timedelta(days=1))
    at(make_inspection(manager), last_week + timedelta(days=2))  # passed first time
    before = make_inspection(manager, failed=True)  # first inspected before the period
    at(before, last_week - timedelta(days=3))
    at(again(before), this_week)
    at(make_inspection(manager, failed=True), this_week)
    at(make_inspection(manager), this_week)
    at(make_inspection(manager), this_week)
    elsewhere = make_inspection(world.away_members[RoleKind.MANAGER], failed=True)
    at(elsewhere, this_week)

    with CaptureQueriesContext(connection) as queries:
        data = first_pass_yield_per_week(manager, period)

    assert data.labels == [last_week.isoformat(), this_week.isoformat()]
    assert data.series[0].values == [50.0, 66.7]
    assert data.unit == "%"
    assert len(queries) <= 3  # the member's scope, the period's rows, the earlier subjects


def test_a_week_without_inspections_shows_no_figure(world):
    manager = world.members[RoleKind.MANAGER]
    today = timezone.localdate()

    data = first_pass_yield_per_week(manager, Period(start=today - timedelta(days=13), end=today))

    assert data.series[0].values and set(data.series[0].values) == {None}
