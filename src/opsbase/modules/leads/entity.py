"""Leads as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import LeadFilter
from .models import Lead
from .selectors import LEAD_ROWS, RELATED, lead_get_for, lead_list
from .services import lead_create, lead_create_many, lead_update

LEADS = Entity(
    model=Lead,
    rows=LEAD_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=RELATED,
    filterset=LeadFilter,
    list=lead_list,
    get=lead_get_for,
    create=lead_create,
    create_many=lead_create_many,
    update=lead_update,
)
