"""NCRs as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import NcrFilter
from .models import Ncr
from .selectors import NCR_ROWS, RELATED, ncr_get_for, ncr_list
from .services import ncr_create, ncr_delete, ncr_transition, ncr_update

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
