"""Rigs and wells as the kit's pages and API offer them: declared once. They have no rule of
their own beyond the model's validation, so the kit's plain services write them."""

from opsbase.kit.entity import Codenames, Entity

from .constants import (
    ADD_RIG,
    ADD_WELL,
    CHANGE_RIG,
    CHANGE_WELL,
    DELETE_RIG,
    DELETE_WELL,
    VIEW_RIG,
    VIEW_WELL,
)
from .filters import RigFilter, WellFilter
from .models import Rig, Well
from .selectors import RELATED, RIG_ROWS, WELL_ROWS

RIGS = Entity(
    model=Rig,
    rows=RIG_ROWS,
    codenames=Codenames(view=VIEW_RIG, add=ADD_RIG, change=CHANGE_RIG, delete=DELETE_RIG),
    related=RELATED,
    filterset=RigFilter,
)

WELLS = Entity(
    model=Well,
    rows=WELL_ROWS,
    codenames=Codenames(view=VIEW_WELL, add=ADD_WELL, change=CHANGE_WELL, delete=DELETE_WELL),
    related=RELATED,
    filterset=WellFilter,
)
