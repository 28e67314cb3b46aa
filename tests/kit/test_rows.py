"""Row specifications: one shape read by the selector, the API, the table and the CSV."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.rows import RowFormat
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.selectors import TASK_ROWS, task_list


@pytest.fixture
def tasks(world, make_task):
    manager = world.members[RoleKind.MANAGER]
    today = timezone.localdate()
    made = [
        make_task(manager, title="B low", priority="low", due_date=today),
        make_task(manager, title="A urgent", priority="urgent", due_date=None),
        make_task(manager, title="C normal", priority="normal", due_date=today - dt.timedelta(1)),
        make_task(manager, title="D urgent", priority="urgent", due_date=today + dt.timedelta(1)),
    ]
    return manager, made


def _titles(manager, *terms):
    return [t.title for t in TASK_ROWS.order(task_list(membership=manager), terms)]


@pytest.fixture
def make_task():
    from opsbase.modules.tasks.services import task_create

    return lambda owner, title, **fields: task_create(
        membership=owner, title=title, notify=False, **fields
    )


def test_a_ranked_key_sorts_by_rank_and_the_newest_breaks_ties(tasks):
    manager, _made = tasks

    assert _titles(manager, "priority") == ["B low", "C normal", "D urgent", "A urgent"]
    assert _titles(manager, "-priority") == ["D urgent", "A urgent", "C normal", "B low"]


def test_empty_values_come_last_either_way(tasks):
    manager, _made = tasks

    assert _titles(manager, "due_date")[-1] == "A urgent"
    assert _titles(manager, "-due_date")[-1] == "A urgent"
    assert _titles(manager, "due_date")[:3] == ["C normal", "B low", "D urgent"]


def test_unknown_keys_are_skipped_and_the_default_sort_stands(tasks):
    manager, _made = tasks

    assert _titles(manager, "secret; DROP", "-colour") == _titles(manager, "-created_at")
    assert _titles(manager, "title", "nonsense") == ["A urgent", "B low", "C normal", "D urgent"]


def test_a_row_made_from_an_instance_is_the_row_the_selector_reads(tasks, world):
    from opsbase.modules.tasks.services import task_update

    manager, made = tasks
    task_update(membership=manager, task=made[0], assignee=world.members[RoleKind.USER])
    instances = {t.pk: t for t in task_list(membership=manager)}

    for row in TASK_ROWS.rows(task_list(membership=manager)):
        from_instance = TASK_ROWS.row_of(instances[row["id"]])
        assert {k: v for k, v in from_instance.items() if k != "_instance"} == row


def test_people_show_by_name_on_pages_and_by_email_in_the_csv(world, make_task):
    manager, user = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    user.user.first_name, user.user.last_name = "Ann", "Lee"
    user.user.save()
    manager.user.first_name = manager.user.last_name = ""
    manager.user.save()
    make_task(manager, title="Pumps", assignee=user)
    [row] = TASK_ROWS.rows(task_list(membership=manager))
    fmt = RowFormat(TASK_ROWS, membership=manager)

    assert TASK_ROWS.column("assignee").cell(row, fmt) == "Ann Lee"
    assert TASK_ROWS.column("owner").cell(row, fmt) == manager.user.email  # no name given
    csv = dict(zip(TASK_ROWS.csv_header(), TASK_ROWS.csv_values(row, fmt), strict=True))
    assert (csv["assignee"], csv["owner"]) == (user.user.email, manager.user.email)


def test_a_row_instance_answers_the_policy_without_a_query(tasks):
    manager, _made = tasks
    [row, *_rest] = TASK_ROWS.rows(task_list(membership=manager))

    with CaptureQueriesContext(connection) as queries:
        task = TASK_ROWS.instance(row)
        fields = (task.pk, task.tenant_id, task.owner_id, task.assignee_id, task.status)

    assert isinstance(task, Task) and fields[0] == row["id"]
    assert len(queries.captured_queries) == 0


def test_a_spec_refuses_a_column_named_twice():
    from opsbase.kit.rows import RowSpec, Text

    with pytest.raises(ValueError, match="twice"):
        RowSpec(Task, columns=[Text("title"), Text("title")])


def test_a_cell_template_renders_that_column_escaped(tasks):
    from opsbase.kit.rows import Number, RowSpec, Text

    manager, made = tasks
    spec = RowSpec(
        Task,
        columns=[Number("id"), Text("title", cell_template="testapp/_title_cell.html")],
    )
    made[0].title = "<b>x</b>"
    row = spec.row_of(made[0])

    html = spec.table_row(row, RowFormat(spec, membership=manager))

    assert (
        '<td class="opsbase-wrap" data-label="Title"><strong data-testid="title-cell">'
        "&lt;b&gt;x&lt;/b&gt;</strong>\n</td>" in html
    )
