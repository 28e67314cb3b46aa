"""``/api/v1/tasks/``: the access matrix per action, input errors, transitions, lists, schema."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.constants import TaskStatus
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_transition
from opsbase.testing.api import token_client
from opsbase.testing.matrix import AccessMatrix


def _expect(ok):
    return {
        "admin": {"own": ok, "other": ok, "foreign": 404},
        "manager": {"own": ok, "other": ok, "foreign": 404},
        "user": {"own": ok, "other": 403, "foreign": 404},
    }


ACTIONS = {
    "retrieve": (lambda c, t: c.get(f"/api/v1/tasks/{t.pk}/"), 200),
    "update": (
        lambda c, t: c.put(f"/api/v1/tasks/{t.pk}/", {"title": "Replaced", "priority": "low"}),
        200,
    ),
    "partial_update": (lambda c, t: c.patch(f"/api/v1/tasks/{t.pk}/", {"title": "Renamed"}), 200),
    "status": (lambda c, t: c.patch(f"/api/v1/tasks/{t.pk}/", {"status": "in_progress"}), 200),
    "transition": (
        lambda c, t: c.post(f"/api/v1/tasks/{t.pk}/transition/", {"transition": "complete"}),
        200,
    ),
    "destroy": (lambda c, t: c.delete(f"/api/v1/tasks/{t.pk}/"), 204),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_api_matrix(world, make_task, name):
    request, ok = ACTIONS[name]
    AccessMatrix(
        login=token_client,
        make=lambda owner: make_task(owner, title=f"Task of {owner.user.email}"),
        request=request,
        expect=_expect(ok),
    ).check(world)


def test_list_matrix_shows_what_each_role_may_see(world, make_task):
    def listed(client, task):
        ids = [row["id"] for row in client.get("/api/v1/tasks/?page_size=100").json()["results"]]
        return type("Seen", (), {"status_code": 200 if task.pk in ids else 204})

    every = {"own": 200, "other": 200, "foreign": 204}
    AccessMatrix(
        login=token_client,
        make=lambda owner: make_task(owner),
        request=listed,
        expect={
            "admin": every,
            "manager": every,
            "user": {"own": 200, "other": 204, "foreign": 204},
        },
    ).check(world)


def test_create_makes_me_the_owner_and_answers_the_task(world, user):
    manager = world.members[RoleKind.MANAGER]

    response = token_client(user).post(
        "/api/v1/tasks/",
        {
            "title": "Check the pumps",
            "priority": "urgent",
            "due_date": "2030-01-31",
            "assignee": manager.pk,
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert body["owner"]["email"] == "user@acme.test"
    assert body["assignee_email"] == "manager@acme.test"
    assert (body["status"], body["priority"], body["due_date"]) == ("todo", "urgent", "2030-01-31")
    assert Task.objects.for_tenant(world.home).get().pk == body["id"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "ab"}, "title"),
        ({"status": "finished"}, "status"),
        ({"status": "done"}, "status"),
        ({"due_date": "next week"}, "due_date"),
        ({"priority": "someday"}, "priority"),
    ],
)
def test_create_rejects_bad_input_with_field_errors(world, user, data, field):
    response = token_client(user).post("/api/v1/tasks/", {"title": "Check the pumps", **data})

    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert not Task.objects.for_tenant(world.home).exists()


def test_the_title_error_says_how_long_it_must_be(user):
    response = token_client(user).post("/api/v1/tasks/", {"title": "ab"})

    assert response.json()["error"]["fields"]["title"] == ["Title must be at least 3 characters."]


def test_an_assignee_from_another_organization_is_a_field_error(world, user, make_task):
    task = make_task(user)
    foreign = world.away_members[RoleKind.USER]

    response = token_client(user).patch(f"/api/v1/tasks/{task.pk}/", {"assignee": foreign.pk})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["assignee"] == [
        "Choose a member of this organization."
    ]
    task.refresh_from_db()
    assert task.assignee_id is None


def test_an_invalid_transition_answers_400_naming_the_allowed_ones(manager, make_task):
    task = make_task(manager)
    task_transition(membership=manager, task=task, transition="complete")
    client = token_client(manager)

    by_status = client.patch(f"/api/v1/tasks/{task.pk}/", {"status": "blocked"})
    by_name = client.post(f"/api/v1/tasks/{task.pk}/transition/", {"transition": "start"})

    for response in (by_status, by_name):
        error = response.json()["error"]
        assert response.status_code == 400
        assert error["code"] == "invalid_transition"
        assert error["details"]["allowed"] == ["reopen"]
        assert "reopen" in error["message"]
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_an_assignee_may_patch_the_status_but_not_the_title(world, user, make_task):
    task = make_task(world.spare, assignee=user)
    client = token_client(user)

    moved = client.patch(f"/api/v1/tasks/{task.pk}/", {"status": "in_progress"})
    renamed = client.patch(f"/api/v1/tasks/{task.pk}/", {"title": "Mine now"})

    assert moved.status_code == 200
    assert renamed.status_code == 403
    assert renamed.json()["error"]["message"] == "Only the owner or a Manager can edit this task."


def test_the_detail_lists_the_transitions_possible_now(user, make_task):
    task = make_task(user)

    body = token_client(user).get(f"/api/v1/tasks/{task.pk}/").json()

    assert [t["name"] for t in body["transitions"] if t["allowed"]] == [
        "start",
        "block",
        "complete",
        "cancel",
    ]


def test_filters_search_and_ordering(manager, make_task):
    make_task(manager, title="Oil the press", priority="low", due_date="2000-01-01")
    make_task(manager, title="Oil the lathe", priority="urgent")
    make_task(manager, title="Sweep the floor", priority="urgent")
    client = token_client(manager)

    def titles(query):
        response = client.get(f"/api/v1/tasks/?{query}")
        assert response.status_code == 200, response.json()
        return [row["title"] for row in response.json()["results"]]

    assert titles("search=oil&ordering=-priority") == ["Oil the lathe", "Oil the press"]
    assert titles("ordering=priority,title") == [
        "Oil the press",
        "Oil the lathe",
        "Sweep the floor",
    ]
    assert titles("overdue=true") == ["Oil the press"]
    assert titles("priority=urgent&q=sweep") == ["Sweep the floor"]
    assert titles("due_from=1999-12-31&due_to=2000-01-02") == ["Oil the press"]


@pytest.mark.parametrize(
    "query", ["status=finished", "overdue=maybe", "due_from=soon", "assignee=999999"]
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(manager, query):
    response = token_client(manager).get(f"/api/v1/tasks/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]["fields"]


def test_the_list_costs_the_same_queries_for_5_and_50_tasks(world, manager, make_task):
    client = token_client(manager)
    assignees = [None, world.spare, world.members[RoleKind.USER]]

    def add(count):
        for n in range(count):
            make_task(manager, title=f"Task {n}", assignee=assignees[n % 3])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/tasks/?page_size=100")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    queries()  # the token's first use of the minute records "last used": not a list cost
    add(5)
    few, five = queries()
    add(45)
    many, fifty = queries()

    assert (five, fifty) == (5, 50)
    assert few == many


def test_the_schema_documents_the_endpoints_with_examples(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    paths = schema["paths"]
    assert set(paths["/api/v1/tasks/"]) >= {"get", "post"}
    assert set(paths["/api/v1/tasks/{id}/"]) >= {"get", "put", "patch", "delete"}
    assert "post" in paths["/api/v1/tasks/{id}/transition/"]
    names = {p["name"] for p in paths["/api/v1/tasks/"]["get"]["parameters"]}
    assert names >= {
        "status",
        "priority",
        "assignee",
        "due_from",
        "due_to",
        "overdue",
        "search",
        "ordering",
    }
    create = paths["/api/v1/tasks/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert "invalid_transition" in str(paths["/api/v1/tasks/{id}/"]["patch"]["responses"]["400"])


def test_an_unfiltered_list_builds_no_filter_form_and_a_filtered_one_does(
    manager, make_task, monkeypatch
):
    from opsbase.modules.tasks.filters import TaskFilter

    make_task(manager, title="Oil the press", priority="low")
    make_task(manager, title="Sweep the floor", priority="urgent")
    built = []
    original = TaskFilter.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(TaskFilter, "__init__", counting)
    client = token_client(manager)

    everything = client.get("/api/v1/tasks/?ordering=title&page_size=10")
    urgent = client.get("/api/v1/tasks/?priority=urgent")

    assert [row["title"] for row in everything.json()["results"]] == [
        "Oil the press",
        "Sweep the floor",
    ]
    assert [row["title"] for row in urgent.json()["results"]] == ["Sweep the floor"]
    assert len(built) == 1
