import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.maintenance.services import equipment_create, plan_create

_numbers = itertools.count(1)


def manager_of(world, membership):
    if membership.tenant_id == world.home.pk:
        return world.members[RoleKind.MANAGER]
    return world.away_members[RoleKind.MANAGER]


def today():
    return timezone.localdate()


@pytest.fixture
def make_equipment(world):
    """``make_equipment(member, **fields)``: a machine of *member*'s organization (made by its
    Manager: equipment is the organization's, not a member's)."""

    def make(member, **fields):
        n = next(_numbers)
        fields.setdefault("code", f"M-{n:03d}")
        fields.setdefault("name", f"Machine {n}")
        fields.setdefault("hours_meter", Decimal("100"))
        return equipment_create(membership=manager_of(world, member), **fields)

    return make


@pytest.fixture
def make_plan(world, make_equipment):
    """``make_plan(member, **fields)``: a plan every 30 days, due today unless told, on a new
    machine of *member*'s organization."""

    def make(member, **fields):
        fields.setdefault("equipment", make_equipment(member))
        fields.setdefault("title", f"Service {next(_numbers)}")
        fields.setdefault("trigger", "days")
        fields.setdefault("interval", 30)
        if fields["trigger"] == "days":
            fields.setdefault("next_due_date", today())
        fields.setdefault("checklist", "Drain the oil\nRefill")
        return plan_create(membership=manager_of(world, member), **fields)

    return make


def days(n):
    return today() + dt.timedelta(days=n)
