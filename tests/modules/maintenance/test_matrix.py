"""Every page and API action of equipment and maintenance plans, generated from the
declaration, plus the hours reading: each role × own / other / foreign record answers as the
policy decides (another organization's is 404)."""

import pytest
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from opsbase.modules.maintenance.api import EquipmentViewSet, MaintenancePlanViewSet
from opsbase.modules.maintenance.constants import RECORD_HOURS, VIEW
from opsbase.modules.maintenance.models import Equipment
from opsbase.modules.maintenance.views import EquipmentPages, PlanPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

EQUIPMENT_CASES = module_cases(
    pages=EquipmentPages,
    viewset=EquipmentViewSet,
    form_data={"code": "M-EDIT", "name": "Renamed lathe", "hours_meter": "150"},
    api_data={"code": "M-API", "name": "Replaced lathe"},
)


def test_the_generator_walks_every_page_and_action():
    names = {str(case) for case in EQUIPMENT_CASES}
    assert {"page equipment_list", "page import", "api destroy", "page edit (post)"} <= names
    assert {str(c) for c in PLAN_CASES} >= {"page maintenanceplan_list", "api create"}


@pytest.mark.parametrize("case", EQUIPMENT_CASES, ids=str)
def test_every_equipment_page_and_action_answers_as_the_policy_decides(world, make_equipment, case):
    def make(member):
        # Each cell posts the same code: free it from the previous cell's machine.
        Equipment.objects.unscoped().filter(code__in=("M-EDIT", "M-API")).update(
            code=Concat(F("code"), Value("-"), Cast("id", CharField()))
        )
        return make_equipment(member)

    case.check(world, make=make)


def _plan_cases():
    return module_cases(
        pages=PlanPages,
        viewset=MaintenancePlanViewSet,
        form_data={"title": "Renamed plan", "trigger": "days", "interval": "14"},
        api_data={"title": "Replaced plan", "trigger": "days", "interval": 7},
    )


PLAN_CASES = _plan_cases()


@pytest.mark.parametrize("case", PLAN_CASES, ids=str)
def test_every_plan_page_and_action_answers_as_the_policy_decides(world, make_plan, case):
    # The form and the API need the plan's machine and due date: the same object's.
    def make(member):
        plan = make_plan(member)
        # The actor is always of the home organization: a body names one of its machines.
        home = plan if plan.tenant_id == world.home.pk else make_plan(world.spare)
        _bind(case, home)
        return plan

    case.check(world, make=make)


def _bind(case, plan):
    """Fill the posted bodies with the plan's own machine and due date (ids differ per cell)."""
    data = {"equipment": plan.equipment_id, "next_due_date": plan.next_due_date.isoformat()}
    for closure in case.request.__closure__ or ():
        value = closure.cell_contents
        if isinstance(value, dict) and "interval" in value:
            value.update(data)


HOURS_CASES = [
    Case(
        "api hours",
        lambda c, o: c.post(f"/api/v1/equipment/{o.pk}/hours/", {"hours": "120"}, format="json"),
        (VIEW, RECORD_HOURS),
        200,
        login=token_client,
    ),
    Case(
        "page hours (post)",
        lambda c, o: c.post(f"/maintenance/equipment/{o.pk}/hours/", {"hours": "130"}),
        (VIEW, RECORD_HOURS),
        302,
    ),
]


@pytest.mark.parametrize("case", HOURS_CASES, ids=str)
def test_hours_readings_answer_as_the_policy_decides(world, make_equipment, case):
    case.check(world, make=make_equipment)
