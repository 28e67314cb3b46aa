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


# -- pages: the records counted alone, a page's keys first -------------------------------------


@pytest.fixture
def eleven(world, make_task):
    manager = world.members[RoleKind.MANAGER]
    priorities = ["low", "normal", "high", "urgent"]
    for n in range(11):
        make_task(manager, title=f"Task {n:02}", priority=priorities[n % 4])
    return manager


@pytest.mark.parametrize("sort", ["-created_at", "priority", "-priority"])
@pytest.mark.parametrize("size", [1, 4, 5, 11, 25])
def test_every_page_of_paged_rows_is_that_slice_of_the_rows(eleven, sort, size):
    from django.core.paginator import Paginator

    records = TASK_ROWS.order(task_list(membership=eleven), [sort])
    everything = list(TASK_ROWS.rows(records))
    pages = -(-len(everything) // size)
    for number in [*range(1, pages + 1), pages + 1, "last", "x", 0, -3, 10**22]:
        paged = TASK_ROWS.paged(records, page=number, size=size)
        page = Paginator(paged, size).get_page(number)
        start = (page.number - 1) * size
        assert paged.count() == 11
        assert list(page.object_list) == everything[start : start + size], (number, size)


def test_a_known_page_costs_two_queries_its_count_with_its_keys_then_its_rows(eleven):
    from django.core.paginator import Paginator

    records = task_list(membership=eleven).filter(priority__in=["low", "normal", "high"])
    with CaptureQueriesContext(connection) as ctx:
        page = Paginator(TASK_ROWS.paged(records, page=2, size=4), 4).get_page(2)
        rows = list(page.object_list)
    assert [row["title"] for row in rows] == ["Task 05", "Task 04", "Task 02", "Task 01"]
    assert page.paginator.count == 9
    assert len(ctx.captured_queries) == 2
    # The count and the keys read the tasks alone: the people are joined for one page only.
    assert "JOIN" not in ctx.captured_queries[0]["sql"]
    assert "JOIN" in ctx.captured_queries[1]["sql"]


def test_a_known_page_of_a_whole_list_comes_with_its_count_in_one_query(eleven):
    from django.core.paginator import Paginator

    records = task_list(membership=eleven)
    with CaptureQueriesContext(connection) as ctx:
        page = Paginator(TASK_ROWS.paged(records, page=2, size=4), 4).get_page(2)
        rows = list(page.object_list)
    assert [row["title"] for row in rows] == ["Task 06", "Task 05", "Task 04", "Task 03"]
    assert all("paged_total" not in row for row in rows)
    assert page.paginator.count == 11
    if not connection.features.allow_sliced_subqueries_with_in:  # MariaDB: keys, then rows
        assert len(ctx.captured_queries) == 2
        return
    (query,) = ctx.captured_queries
    # The page's keys are a sub-select of their own (planned before the people are joined).
    assert "IN (SELECT" in query["sql"] and "JOIN" in query["sql"]


def test_a_whole_list_past_its_end_counts_apart_and_shows_the_last_page(eleven):
    from django.core.paginator import Paginator

    records = task_list(membership=eleven)
    page = Paginator(TASK_ROWS.paged(records, page=9, size=4), 4).get_page(9)
    assert page.number == 3 and page.paginator.count == 11
    assert [row["title"] for row in page.object_list] == ["Task 02", "Task 01", "Task 00"]


@pytest.mark.parametrize("shape", ["filtered", "distinct", "grouped"])
def test_the_count_beside_a_pages_keys_counts_the_querysets_records(eleven, shape):
    from django.core.paginator import Paginator
    from django.db.models import Count

    records = task_list(membership=eleven).filter(priority__in=["high", "urgent"])
    if shape == "distinct":
        records = records.distinct()
    elif shape == "grouped":
        records = records.annotate(n=Count("pk"))
    paged = TASK_ROWS.paged(TASK_ROWS.order(records, ["title"]), page=2, size=2)
    page = Paginator(paged, 2).get_page(2)

    assert page.paginator.count == 5
    assert [row["title"] for row in page.object_list] == ["Task 06", "Task 07"]


@pytest.mark.parametrize(("filtered", "counted_by"), [(False, "SELECT COUNT"), (True, "OVER")])
def test_a_whole_list_is_counted_apart_and_a_filtered_one_while_it_is_read(
    eleven, filtered, counted_by
):
    records = task_list(membership=eleven)
    if filtered:
        records = records.filter(priority="high")
    with CaptureQueriesContext(connection) as ctx:
        count = TASK_ROWS.paged(records, page=1, size=4).count()

    assert count == (3 if filtered else 11)
    assert counted_by in ctx.captured_queries[0]["sql"]


def test_paged_rows_of_no_records_count_zero_and_show_an_empty_page(world):
    from django.core.paginator import Paginator

    manager = world.members[RoleKind.MANAGER]
    page = Paginator(TASK_ROWS.paged(task_list(membership=manager), page=1, size=5), 5).get_page(1)
    assert page.paginator.count == 0
    assert list(page.object_list) == []


@pytest.mark.parametrize("zone", ["UTC", "Europe/Oslo", "America/St_Johns"])
def test_row_moments_are_what_drfs_date_time_field_answers(world, zone):
    from rest_framework import serializers

    moments = [
        None,
        dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 1, 12, 0, 0, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
    ]
    with timezone.override(zone):
        fmt = RowFormat(TASK_ROWS)
        drf = serializers.DateTimeField()
        assert [fmt.datetime(m) for m in moments] == [drf.to_representation(m) for m in moments]


@pytest.mark.parametrize("sort", ["-created_at", "priority"])
def test_the_whole_lists_of_two_tenants_share_one_compiled_query_and_keep_their_records(
    world, make_task, sort, compilations
):
    home, away = world.members[RoleKind.MANAGER], world.away_members[RoleKind.MANAGER]
    for n in range(3):
        make_task(home, title=f"Home {n}")
    for n in range(2):
        make_task(away, title=f"Away {n}")

    def first_page(member):
        records = TASK_ROWS.order(task_list(membership=member), [sort])
        paged = TASK_ROWS.paged(records, page=1, size=2)
        return paged.count(), {row["title"] for row in paged[0:2]}

    first_page(home)  # compiled here
    recorded = compilations()

    home_count, home_titles = first_page(home)
    away_count, away_titles = first_page(away)

    assert (away_count, away_titles) == (2, {"Away 0", "Away 1"})
    assert home_count == 3 and len(home_titles) == 2
    assert home_titles <= {"Home 0", "Home 1", "Home 2"}
    assert recorded == []  # the keys with their count, and the rows: compiled before


def test_a_filtered_list_is_not_taken_for_a_whole_one(world):
    records = task_list(membership=world.members[RoleKind.MANAGER])

    assert records.whole_tenant_shape() is not None
    assert records.filter(priority="high").whole_tenant_shape() is None
    assert records.filter(title__icontains="x").whole_tenant_shape() is None
    with pytest.raises(ValueError, match="whole list"):
        records.filter(priority="high").for_another_tenant(world.away.pk)


def test_a_state_menu_shared_by_every_row_is_the_menu_built_for_one_row(
    world, make_task, monkeypatch
):
    """The block of a state whose moves every row shares is built once and filled per row;
    it is the block built for that row alone, hostile names escaped in both."""
    from opsbase.kernel import workflows

    manager = world.members[RoleKind.MANAGER]
    make_task(manager, title='Fix "pump" <script>alert(1)</script> & go')
    make_task(manager, title="Second")
    rows = list(TASK_ROWS.rows(task_list(membership=manager)))
    state = TASK_ROWS.column("status")
    filled = []
    fill = RowFormat.fill
    monkeypatch.setattr(RowFormat, "fill", staticmethod(lambda *a: filled.append(a) or fill(*a)))
    shared = [state.cell(row, RowFormat(TASK_ROWS, membership=manager)) for row in rows]
    assert len(filled) == 2  # the shared layout, filled per row

    monkeypatch.setattr(workflows, "transitions_for_every", lambda **_kwargs: None)
    alone = [state.cell(row, RowFormat(TASK_ROWS, membership=manager)) for row in rows]

    assert shared == alone
    assert "<script>" not in shared[1] and "&lt;script&gt;" in shared[1]
    assert 'data-testid="task-status-menu"' in shared[0]
    assert f'id="task-status-{rows[0]["id"]}"' in shared[0]
    assert f"/tasks/{rows[1]['id']}/transition/" in shared[1]


def test_rows_of_one_answer_are_the_rows_built_each_on_its_own(world, make_task):
    """What a table's rows share (the cells' openings, the link and check box markup, the
    badges) is worked out once an answer: each row is still the row built alone, its title
    escaped in the link and in the check box's label."""
    manager = world.members[RoleKind.MANAGER]
    hostile = 'Fix "pump" <script>alert(1)</script> & {pk} {label}'
    make_task(manager, title=hostile, priority="high")
    make_task(manager, title="Second", priority="low")
    rows = list(TASK_ROWS.rows(task_list(membership=manager)))

    def fmt():
        return RowFormat(TASK_ROWS, membership=manager, select_form="task-bulk")

    together = str(TASK_ROWS.table_rows(rows, fmt()))
    alone = [str(TASK_ROWS.table_row(row, fmt())) for row in rows]

    assert together == "\n".join(alone)
    bad = next(html for html, row in zip(alone, rows, strict=True) if row["title"] == hostile)
    pk = next(row["id"] for row in rows if row["title"] == hostile)
    assert "<script>" not in bad
    escaped = "Fix &quot;pump&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; {pk} {label}"
    assert f'<a href="/tasks/{pk}/" data-testid="task-link">{escaped}</a>' in bad
    assert f'value="{pk}" form="task-bulk" aria-label="Select {escaped}"' in bad
    assert '<span class="badge text-bg-warning">High</span>' in bad


def test_a_date_cell_follows_the_active_language_each_time(world, make_task):
    from django.utils import translation

    manager = world.members[RoleKind.MANAGER]
    make_task(manager, title="Due", due_date=dt.date(2099, 3, 4))
    [row] = TASK_ROWS.rows(task_list(membership=manager))
    due = TASK_ROWS.column("due_date")

    shown = {}
    for language in ("en", "de", "en", "de"):
        with translation.override(language):
            shown.setdefault(language, set()).add(
                due.cell(row, RowFormat(TASK_ROWS, membership=manager))
            )

    assert shown == {"en": {"03/04/2099"}, "de": {"04.03.2099"}}
