"""Work orders as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import WorkOrderFilter
from .models import WorkOrder
from .selectors import RELATED, WORKORDER_ROWS, workorder_get_for, workorder_list
from .services import workorder_create, workorder_delete, workorder_transition, workorder_update

WORK_ORDERS = Entity(
    model=WorkOrder,
    rows=WORKORDER_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=RELATED,
    filterset=WorkOrderFilter,
    list=workorder_list,
    get=workorder_get_for,
    create=workorder_create,
    update=workorder_update,
    delete=workorder_delete,
    transition=workorder_transition,
    # A row shows its own fields, its customer and its assignee: nothing of other orders.
    per_member_cache=True,
)
