"""Equipment and maintenance plans as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import DELETE, MANAGE, VIEW
from .filters import EquipmentFilter, PlanFilter
from .models import Equipment, MaintenancePlan
from .selectors import (
    EQUIPMENT_RELATED,
    EQUIPMENT_ROWS,
    PLAN_RELATED,
    PLAN_ROWS,
    equipment_get_for,
    equipment_list,
    plan_get_for,
    plan_list,
)
from .services import (
    equipment_create,
    equipment_delete,
    equipment_update,
    plan_create,
    plan_delete,
    plan_update,
)

EQUIPMENT = Entity(
    model=Equipment,
    rows=EQUIPMENT_ROWS,
    codenames=Codenames(view=VIEW, add=MANAGE, change=MANAGE, delete=DELETE),
    related=EQUIPMENT_RELATED,
    filterset=EquipmentFilter,
    list=equipment_list,
    get=equipment_get_for,
    create=equipment_create,
    update=equipment_update,
    delete=equipment_delete,
)

PLANS = Entity(
    model=MaintenancePlan,
    rows=PLAN_ROWS,
    codenames=Codenames(view=VIEW, add=MANAGE, change=MANAGE, delete=DELETE),
    related=PLAN_RELATED,
    filterset=PlanFilter,
    list=plan_list,
    get=plan_get_for,
    create=plan_create,
    update=plan_update,
    delete=plan_delete,
)
