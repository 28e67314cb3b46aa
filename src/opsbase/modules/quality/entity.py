"""NCRs as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import (
    ADD,
    ADD_INSPECTION,
    CHANGE,
    CHANGE_INSPECTION,
    DELETE,
    DELETE_INSPECTION,
    VIEW,
    VIEW_INSPECTION,
)
from .filters import InspectionFilter, NcrFilter
from .models import Inspection, Ncr
from .selectors import (
    INSPECTION_ROWS,
    NCR_ROWS,
    RELATED,
    inspection_get_for,
    inspection_list,
    ncr_get_for,
    ncr_list,
)
from .services import (
    inspection_create,
    inspection_delete,
    inspection_update,
    ncr_create,
    ncr_delete,
    ncr_transition,
    ncr_update,
)

NCRS = Entity(
    model=Ncr,
    rows=NCR_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=RELATED,
    filterset=NcrFilter,
    list=ncr_list,
    get=ncr_get_for,
    create=ncr_create,
    update=ncr_update,
    delete=ncr_delete,
    transition=ncr_transition,
)

INSPECTIONS = Entity(
    model=Inspection,
    rows=INSPECTION_ROWS,
    codenames=Codenames(
        view=VIEW_INSPECTION, add=ADD_INSPECTION, change=CHANGE_INSPECTION, delete=DELETE_INSPECTION
    ),
    filterset=InspectionFilter,
    list=inspection_list,
    get=inspection_get_for,
    create=inspection_create,
    update=inspection_update,
    delete=inspection_delete,
)
