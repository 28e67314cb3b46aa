"""Tasks as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import TaskFilter
from .models import Task
from .selectors import RELATED, TASK_ROWS
from .services import task_create, task_delete, task_transition, task_update

TASKS = Entity(
    model=Task,
    rows=TASK_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=RELATED,
    filterset=TaskFilter,
    create=task_create,
    update=task_update,
    delete=task_delete,
    transition=task_transition,
    # Assignment e-mails link back to the site the request came to.
    service_kwargs=lambda request: {"site_url": request.build_absolute_uri("/")},
    # A task row shows nothing of the other tasks: a User's own list outlives others' writes.
    per_member_cache=True,
)
