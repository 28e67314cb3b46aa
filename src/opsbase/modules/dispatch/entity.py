"""Dispatch notes as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import DispatchNoteFilter
from .models import DispatchNote
from .selectors import DISPATCH_ROWS, RELATED
from .services import (
    dispatchnote_create,
    dispatchnote_delete,
    dispatchnote_transition,
    dispatchnote_update,
)

DISPATCH_NOTES = Entity(
    model=DispatchNote,
    rows=DISPATCH_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=RELATED,
    filterset=DispatchNoteFilter,
    create=dispatchnote_create,
    update=dispatchnote_update,
    delete=dispatchnote_delete,
    transition=dispatchnote_transition,
)
