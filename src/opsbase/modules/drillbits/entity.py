"""Drill bits as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import DrillBitFilter
from .models import DrillBit
from .selectors import DRILLBIT_ROWS, RELATED
from .services import drillbit_create, drillbit_delete, drillbit_transition, drillbit_update

DRILLBITS = Entity(
    model=DrillBit,
    rows=DRILLBIT_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=RELATED,
    filterset=DrillBitFilter,
    create=drillbit_create,
    update=drillbit_update,
    delete=drillbit_delete,
    transition=drillbit_transition,
)
