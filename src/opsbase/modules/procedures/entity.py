"""Procedures as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import ProcedureFilter
from .models import Procedure
from .selectors import RELATED, ROWS, procedure_get_for, procedure_list
from .services import procedure_create, procedure_delete, procedure_transition, procedure_update

PROCEDURES = Entity(
    model=Procedure,
    rows=ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=RELATED,
    filterset=ProcedureFilter,
    list=procedure_list,
    get=procedure_get_for,
    create=procedure_create,
    update=procedure_update,
    delete=procedure_delete,
    transition=procedure_transition,
)
