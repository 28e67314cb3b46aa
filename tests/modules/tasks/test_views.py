"""Task pages: who reaches what (the access matrix), forms, htmx moves, lists, CSV, queries."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.constants import TaskStatus
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_transition
from opsbase.testing.matrix import AccessMatrix, session_client

# Admin and Manager reach every task of their organization, a User only their own;
# another organization's task does not exist for anyone.
READ = {
    "admin": {"own": 200, "other": 200, "foreign": 404},
    "manager": {"own": 200, "other": 200, "foreign": 404},
    "user": {"own": 200, "other": 403, "foreign": 404},
}
WRITE = {
    "admin": {"own": 302, "other": 302, "foreign": 404},
    "manager": {"own": 302, "other": 302, "foreign": 404},
    "user": {"own": 302, "other": 403, "foreign": 404},
}
LISTED, NOT_LISTED = 200, 204


def _make(make_task):
    return lambda owner: make_task(owner, title=f"Task of {owner.user.email}")


def _listing(url):
    """A request whose "status" says whether the task is on the page at *url*."""

    def request(client, task):
        response = client.get(url)
        assert response.status_code == 200
        shown = f'data-task-id="{task.pk}"' in response.content.decode()
        return SimpleNamespace(status_code=LISTED if shown else NOT_LISTED)

    return request


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/"])
def test_task_pages_matrix(world, make_task, suffix):
    AccessMatrix(
        make=_make(make_task),
        request=lambda client, task: client.get(f"/tasks/{task.pk}/{suffix}"),
        expect=READ,
    ).check(world)


def test_edit_post_matrix(world, make_task):
    AccessMatrix(
        make=_make(make_task),
        request=lambda client, task: client.post(
            f"/tasks/{task.pk}/edit/", {"title": "Renamed task", "priority": "high"}
        ),
        expect=WRITE,
    ).check(world)


def test_delete_post_matrix(world, make_task):
    AccessMatrix(
        make=_make(make_task),
        request=lambda client, task: client.post(f"/tasks/{task.pk}/delete/"),
        expect=WRITE,
    ).check(world)


def test_transition_post_matrix(world, make_task):
    AccessMatrix(
        make=_make(make_task),
        request=lambda client, task: client.post(
            f"/tasks/{task.pk}/transition/", {"transition": "start"}
        ),
        expect=WRITE,
    ).check(world)


def test_my_tasks_lists_only_own_tasks(world, make_task):
    mine_only = {"own": LISTED, "other": NOT_LISTED, "foreign": NOT_LISTED}
    AccessMatrix(
        make=_make(make_task),
        request=_listing("/tasks/"),
        expect=dict.fromkeys(("admin", "manager", "user"), mine_only),
    ).check(world)


def test_all_tasks_page_matrix(world, make_task):
    AccessMatrix(
        make=_make(make_task),
        request=lambda client, task: client.get("/tasks/all/"),
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 200},
            "manager": {"own": 200, "other": 200, "foreign": 200},
            "user": {"own": 403, "other": 403, "foreign": 403},
        },
    ).check(world)


@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.MANAGER])
def test_all_tasks_lists_every_task_of_the_organization_only(world, make_task, kind):
    member = world.members[kind]
    own, others = make_task(member), make_task(world.spare)
    foreign = make_task(world.away_members[RoleKind.ADMIN])

    page = session_client(member).get("/tasks/all/").content.decode()

    assert f'data-task-id="{own.pk}"' in page
    assert f'data-task-id="{others.pk}"' in page
    assert f'data-task-id="{foreign.pk}"' not in page


def test_my_tasks_include_tasks_assigned_to_me(world, make_task, user):
    assigned = make_task(world.spare, assignee=user)

    page = session_client(user).get("/tasks/").content.decode()

    assert f'data-task-id="{assigned.pk}"' in page


# -- forms -------------------------------------------------------------------------------


def test_creating_a_task_shows_it_with_me_as_owner(world, user):
    client = session_client(user)

    response = client.post(
        "/tasks/new/",
        {
            "title": "Check the pumps",
            "priority": "high",
            "due_date": "2030-05-01",
            "assignee": world.members[RoleKind.MANAGER].pk,
        },
    )

    task = Task.objects.for_tenant(world.home).get()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert (task.owner, task.priority, str(task.due_date)) == (user.user, "high", "2030-05-01")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "ab"}, "title", "Title must be at least 3 characters."),
        ({"due_date": "next week"}, "due_date", "Enter a valid date."),
        ({"priority": "someday"}, "priority", "Select a valid choice."),
    ],
)
def test_the_create_form_rejects_bad_input_with_field_errors(world, user, data, field, message):
    response = session_client(user).post(
        "/tasks/new/", {"title": "Check the pumps", "priority": "normal", **data}
    )

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Task.objects.for_tenant(world.home).exists()


def test_the_form_refuses_an_assignee_from_another_organization(world, user):
    foreign = world.away_members[RoleKind.USER]

    response = session_client(user).post(
        "/tasks/new/", {"title": "Check the pumps", "priority": "normal", "assignee": foreign.pk}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["assignee"] == ["Choose a member of this organization."]


def test_the_edit_form_refuses_an_unknown_status(user, make_task):
    task = make_task(user)

    response = session_client(user).post(
        f"/tasks/{task.pk}/edit/",
        {"title": "Check the pumps", "priority": "normal", "status": "finished"},
    )

    assert response.status_code == 400
    assert "status" in response.context["form"].errors
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO


def test_the_edit_form_offers_only_reachable_statuses_and_applies_one(user, make_task):
    task = make_task(user)
    task_transition(membership=user, task=task, transition="complete")
    client = session_client(user)

    offered = [
        v for v, _ in client.get(f"/tasks/{task.pk}/edit/").context["form"].fields["status"].choices
    ]
    response = client.post(
        f"/tasks/{task.pk}/edit/",
        {"title": "Check the pumps", "priority": "normal", "status": "todo"},
    )

    assert offered == ["todo", "done"]
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.completed_at) == (TaskStatus.TODO, None)


# -- status in place (htmx) ----------------------------------------------------------------


def test_htmx_status_change_answers_the_status_block_in_place(user, make_task):
    task = make_task(user)

    response = session_client(user).post(
        f"/tasks/{task.pk}/transition/", {"transition": "start"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div id="task-status-{task.pk}"')
    assert 'data-status="in_progress"' in body
    assert 'value="complete"' in body and 'value="start"' not in body
    assert "<script" not in body and "style=" not in body


def test_a_stale_htmx_move_shows_why_and_the_current_status(user, make_task):
    task = make_task(user)
    task_transition(membership=user, task=task, transition="cancel")

    response = session_client(user).post(
        f"/tasks/{task.pk}/transition/", {"transition": "start"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert 'data-status="cancelled"' in body
    assert "Possible now: reopen." in body
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


def test_an_assignee_gets_the_status_buttons_but_not_edit_or_delete(world, user, make_task):
    task = make_task(world.spare, assignee=user)

    page = session_client(user).get(f"/tasks/{task.pk}/").content.decode()

    assert 'data-testid="transition-start"' in page
    assert 'data-testid="task-edit"' not in page
    assert 'data-testid="task-delete"' not in page


def test_a_user_sees_no_all_tasks_link_and_a_manager_does(world, user, manager):
    assert "/tasks/all/" not in session_client(user).get("/tasks/").content.decode()
    assert "/tasks/all/" in session_client(manager).get("/tasks/").content.decode()


# -- list, history, CSV --------------------------------------------------------------------


def test_an_empty_list_invites_to_create_the_first_task(user):
    page = session_client(user).get("/tasks/").content.decode()

    assert 'data-testid="task-empty"' in page
    assert "Create the first task" in page


def test_filters_that_match_nothing_say_so(user, make_task):
    make_task(user)

    page = session_client(user).get("/tasks/?status=done").content.decode()

    assert 'data-testid="task-empty-filtered"' in page


def test_filters_search_and_sort_narrow_and_order_the_list(user, make_task):
    make_task(user, title="Oil the press", priority="low")
    make_task(user, title="Oil the lathe", priority="urgent")
    make_task(user, title="Sweep the floor", priority="urgent")

    page = session_client(user).get("/tasks/?q=oil&sort=-priority").content.decode()

    assert "Sweep the floor" not in page
    assert page.index("Oil the lathe") < page.index("Oil the press")


def test_the_page_size_choice_pages_the_list(user, make_task):
    for n in range(12):
        make_task(user, title=f"Task number {n}")

    response = session_client(user).get("/tasks/?page_size=10&page=2")

    assert len(response.context["rows"]) == 2
    assert response.context["page"].paginator.num_pages == 2


def test_the_detail_page_shows_the_history_as_a_timeline(user, make_task):
    task = make_task(user)
    task_transition(membership=user, task=task, transition="start")

    page = session_client(user).get(f"/tasks/{task.pk}/").content.decode()

    assert page.count('data-testid="task-history-entry"') == 2
    assert "To do → In progress" in page


def test_csv_export_holds_the_filtered_list_and_defuses_formulas(user, make_task):
    make_task(user, title='=HYPERLINK("http://evil.test")', priority="high")
    make_task(user, title="Quiet task", priority="low")

    response = session_client(user).get("/tasks/?format=csv&priority=high")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [r[1] for r in rows[1:]] == ['\'=HYPERLINK("http://evil.test")']


def test_the_task_csv_escapes_a_leading_pipe_as_the_audit_csv_does(user, make_task):
    make_task(user, title="|cmd' /C calc'!A0")

    response = session_client(user).get("/tasks/?format=csv")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == "'|cmd' /C calc'!A0"


def test_a_deleted_tasks_history_stays_readable_by_admins(world, admin, manager, make_task):
    task = make_task(manager, title="Short-lived task")
    task_id = task.pk
    session_client(manager).post(f"/tasks/{task_id}/delete/")

    page = session_client(admin).get(f"/org/audit/?target_type=tasks.task&target_id={task_id}")

    actions = [e.action for e in page.context["events"]]
    assert actions == ["delete", "create"]


# -- queries -------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/tasks/", "/tasks/all/"])
def test_the_list_costs_the_same_queries_for_5_and_50_tasks(world, manager, make_task, url):
    client = session_client(manager)
    assignees = [None, world.spare, world.members[RoleKind.USER]]
    owners = [manager, world.members[RoleKind.ADMIN]]

    def add(count):
        for n in range(count):
            make_task(
                owners[n % 2] if url.endswith("all/") else manager,
                title=f"Task {n}",
                assignee=assignees[n % 3],
                due_date=None,
            )

    add(5)
    few = _queries(client, url)
    add(45)
    many = _queries(client, url)

    assert few == many


def test_the_detail_costs_the_same_queries_for_a_short_and_a_long_history(manager, make_task):
    from opsbase.modules.tasks.services import task_update

    client = session_client(manager)
    task = make_task(manager)
    short = _queries(client, f"/tasks/{task.pk}/")
    for n in range(8):
        task_update(membership=manager, task=task, title=f"Renamed {n}", notify=False)
    long = _queries(client, f"/tasks/{task.pk}/")

    assert short == long
