"""Form templates as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import FormTemplateFilter
from .models import FormTemplate
from .selectors import FORMTEMPLATE_ROWS, formtemplate_get_for, formtemplate_list
from .services import formtemplate_create, formtemplate_delete, formtemplate_update

FORM_TEMPLATES = Entity(
    model=FormTemplate,
    rows=FORMTEMPLATE_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    filterset=FormTemplateFilter,
    list=formtemplate_list,
    get=formtemplate_get_for,
    create=formtemplate_create,
    update=formtemplate_update,
    delete=formtemplate_delete,
)
