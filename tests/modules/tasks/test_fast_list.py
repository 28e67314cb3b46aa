# ruff: noqa: E501 - PER_ROW_TEMPLATE keeps the template lines as they were
"""The task list API reads plain rows (``TASK_ROWS.rows`` + ``TASK_ROWS.api_rows``): its JSON
must stay exactly what the full ``TaskSerializer`` gives for the same tasks, field by field;
and the page's one-pass rows what per-task templates render."""

import datetime as dt
import json
import re

import pytest
from django.test.html import parse_html
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.rows import RowFormat
from opsbase.modules.tasks.api import TaskViewSet
from opsbase.modules.tasks.constants import PRIORITY_BADGES, STATUS_BADGES, TaskStatus
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.selectors import TASK_ROWS, task_list
from opsbase.modules.tasks.serializers import TaskSerializer
from opsbase.modules.tasks.services import task_transition
from opsbase.testing.api import token_client

# The transitions leading from To do to every status.
PATHS = {
    TaskStatus.TODO: [],
    TaskStatus.IN_PROGRESS: ["start"],
    TaskStatus.BLOCKED: ["start", "block"],
    TaskStatus.DONE: ["complete"],
    TaskStatus.CANCELLED: ["cancel"],
}


@pytest.fixture
def varied(world, manager, make_task):
    """Tasks in every status, with and without assignee and due date, overdue or not, and
    one whose owner is gone."""
    today = timezone.localdate()
    assignees = [None, world.spare, world.members[RoleKind.USER]]
    dues = [None, today - dt.timedelta(days=3), today + dt.timedelta(days=3), today]
    tasks = []
    n = 0
    for status, path in PATHS.items():
        for due in dues:
            task = make_task(
                manager,
                title=f"Task {n} {status}",
                description="" if n % 2 else f"Line one\nline «two» {n}",
                priority=["low", "normal", "high", "urgent"][n % 4],
                due_date=due,
                assignee=assignees[n % 3],
            )
            for transition in path:
                task = task_transition(membership=manager, task=task, transition=transition)
            tasks.append(task)
            n += 1
    orphan = make_task(manager, title="Owner gone", due_date=today - dt.timedelta(days=1))
    Task.objects.for_tenant(manager.tenant_id).filter(pk=orphan.pk).update(owner=None)
    return tasks


def _full(membership, request=None):
    """The tasks as DRF's serializer gives them field by field (its declared and model
    fields, not the row spec's fast path)."""
    tasks = task_list(membership=membership)
    serializer = TaskSerializer(context={"request": request})
    data = [serializers.ModelSerializer.to_representation(serializer, t) for t in tasks]
    return json.loads(JSONRenderer().render(data))


def test_the_fixture_covers_every_case(manager, varied):
    rows = _full(manager)
    assert {row["status"] for row in rows} == set(TaskStatus.values)
    assert {row["is_overdue"] for row in rows} == {True, False}
    assert any(row["owner"] is None for row in rows)
    assert any(row["assignee"] is None for row in rows)
    assert any(row["assignee_email"] for row in rows)
    assert any(row["completed_at"] for row in rows)


def test_the_api_list_is_what_the_full_serializer_gives(manager, varied):
    response = token_client(manager).get("/api/v1/tasks/?page_size=100")

    assert response.status_code == 200
    assert response.json()["results"] == _full(manager)
    assert response.json()["count"] == len(varied) + 1


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_rows_equal_the_full_serializer_in_any_time_zone_and_language(
    manager, varied, zone, language
):
    with timezone.override(zone), translation.override(language):
        fast = TASK_ROWS.api_rows(TASK_ROWS.rows(task_list(membership=manager)))
        full = _full(manager)

    assert full == json.loads(JSONRenderer().render(fast))


def _fields_built(serializer, task):
    """What *serializer*'s declared and model fields give for *task*: DRF's own path."""
    return serializers.ModelSerializer.to_representation(serializer, task)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_the_detail_answer_equals_what_its_fields_give(manager, varied, zone, language):
    request = APIRequestFactory().get("/")
    request.membership = manager
    tasks = task_list(membership=manager).select_related("owner", "assignee__user")
    with timezone.override(zone), translation.override(language):
        for task in tasks:
            serializer = TaskViewSet.detail_serializer_class(task, context={"request": request})
            assert serializer.data == _fields_built(serializer, task), task.title


def test_create_and_update_answer_the_saved_task_as_a_read_shows_it(manager, world):
    client = token_client(manager)
    assignee = world.members[RoleKind.USER]
    created = client.post(
        "/api/v1/tasks/",
        {"title": "  Answer check ", "due_date": "2030-01-02", "assignee": assignee.pk},
        format="json",
    )
    assert created.status_code == 201
    url = f"/api/v1/tasks/{created.json()['id']}/"
    assert created.json() == client.get(url).json()
    assert created.json()["title"] == "Answer check"
    assert created.json()["assignee_email"] == assignee.user.email

    changed = client.patch(url, {"priority": "urgent", "assignee": None}, format="json")
    assert changed.status_code == 200
    assert changed.json() == client.get(url).json()
    assert changed.json()["assignee"] is None

    moved = client.post(f"{url}transition/", {"transition": "complete"}, format="json")
    assert moved.status_code == 200
    assert moved.json() == client.get(url).json()
    assert moved.json()["completed_at"] is not None


@pytest.mark.parametrize(
    "query",
    [
        "ordering=priority,-status",
        "ordering=-due_date",
        "ordering=due_date,title",
        "overdue=true",
        "status=done&page_size=3&page=2",
        "search=line",
    ],
)
def test_filtered_and_sorted_pages_match_too(manager, varied, query):
    client = token_client(manager)
    response = client.get(f"/api/v1/tasks/?{query}")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, query

    ids = [row["id"] for row in rows]
    by_id = {row["id"]: row for row in _full(manager)}
    assert rows == [by_id[pk] for pk in ids]


# The list's rows rendered per task with the template language: what the one-pass builder
# (``RowSpec.table_rows``) must give. People show by name.
PER_ROW_TEMPLATE = """{% load i18n %}{% for task, status_badge, priority_badge, moves in tasks %}
<tr data-task-id="{{ task.pk }}" data-testid="task-row">
  <td class="opsbase-wrap" data-label="{{ labels.title }}"><a href="{{ task.get_absolute_url }}" data-testid="task-link">{{ task.title }}</a></td>
  <td data-label="{{ labels.status }}"><div id="task-status-{{ task.pk }}" class="d-flex flex-wrap align-items-center gap-1" data-testid="task-status" data-status="{{ task.status }}">
  {% if moves %}
  <form method="post" action="{% url 'tasks:task_transition' task.pk %}" class="dropdown"
        hx-post="{% url 'tasks:task_transition' task.pk %}" hx-target="#task-status-{{ task.pk }}" hx-swap="outerHTML">
    <button type="button" class="btn btn-sm opsbase-state-toggle dropdown-toggle" data-bs-toggle="dropdown" aria-expanded="false"
        data-bs-popper-config='{"strategy":"fixed"}'
        aria-label="{% blocktranslate with title=task.title %}Change the status of {{ title }}{% endblocktranslate %}" data-testid="task-status-menu"><span class="badge {{ status_badge }}" data-testid="task-status-badge">{{ task.get_status_display }}</span></button>
    {% csrf_token %}
    <ul class="dropdown-menu">
    {% for move in moves %}
    <li><button type="submit" name="transition" value="{{ move.name }}" class="dropdown-item"
            data-testid="transition-{{ move.name }}" title="{% blocktranslate with target=move.target_label %}Move to {{ target }}{% endblocktranslate %}">{{ move.label }}</button></li>
    {% endfor %}
    </ul>
  </form>
  {% else %}
  <span class="badge {{ status_badge }}" data-testid="task-status-badge">{{ task.get_status_display }}</span>
  {% endif %}
  </div></td>
  <td data-label="{{ labels.priority }}"><span class="badge {{ priority_badge }}">{{ task.get_priority_display }}</span></td>
  <td class="text-nowrap" data-label="{{ labels.due_date }}">
    {% if task.due_date %}{{ task.due_date|date:"SHORT_DATE_FORMAT" }}{% else %}<span class="text-body-secondary">—</span>{% endif %}
    {% if task.is_overdue %}<span class="badge text-bg-danger ms-1" data-testid="task-overdue">{% translate "Overdue" %}</span>{% endif %}
  </td>
  <td data-label="{{ labels.assignee }}">{% if task.assignee %}{{ task.assignee.user.get_full_name|default:task.assignee.user.email }}{% else %}<span class="text-body-secondary">{% translate "Unassigned" %}</span>{% endif %}</td>
  <td class="text-body-secondary" data-label="{{ labels.owner }}">{% if task.owner %}{{ task.owner.get_full_name|default:task.owner.email }}{% else %}—{% endif %}</td>
</tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("kind", [RoleKind.MANAGER, RoleKind.USER])
def test_the_page_rows_render_as_the_per_row_templates_do(
    world, manager, make_task, varied, kind, language
):
    from django.middleware.csrf import get_token
    from django.template import RequestContext, Template
    from django.test import RequestFactory
    from django.test.html import parse_html

    from opsbase.kernel.workflows import transitions_available

    member = world.members[kind]
    make_task(member, title='<b>"Quoted" & bold</b>')
    request = RequestFactory().get("/tasks/all/")
    request.membership = member
    request.user = member.user
    tasks = list(task_list(membership=member))

    def moves(task):
        options = transitions_available(membership=member, obj=task)
        return [o for o in options if o.allowed]

    per_task = [(t, STATUS_BADGES[t.status], PRIORITY_BADGES[t.priority], moves(t)) for t in tasks]
    context = RequestContext(request, {"tasks": per_task})

    with translation.override(language):
        context.push(labels={c.name: c.table_label for c in TASK_ROWS.table_columns()})
        old = Template(PER_ROW_TEMPLATE).render(context)
        fmt = RowFormat(TASK_ROWS, membership=member, csrf_token=get_token(request))
        new = TASK_ROWS.table_rows(TASK_ROWS.rows(task_list(membership=member)), fmt)

    # Each render masks the CSRF token afresh; any masked token is as good.
    def same_token(html):
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "csrf", html)

    assert parse_html(same_token(new)) == parse_html(same_token(old))
    assert new.count('data-testid="task-row"') == len(tasks)
    assert new.count('name="csrfmiddlewaretoken"') == old.count('name="csrfmiddlewaretoken"') > 0
    assert "&lt;b&gt;&quot;Quoted&quot; &amp; bold&lt;/b&gt;" in new


def _menus_put_in_place(html):
    """*html* as the page's script makes it when every status menu is opened: each toggle
    that names a template gets that template's content right after it."""
    templates = dict(re.findall(r'<template id="([^"]+)">(.*?)</template>', html, re.S))
    html = re.sub(r'<template id="[^"]+">.*?</template>', "", html, flags=re.S)
    return re.sub(
        r' data-opsbase-moves="([^"]+)">(.*?</button>)',
        lambda m: ">" + m.group(2) + templates[m.group(1)],
        html,
    ), templates


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER])
def test_a_list_sends_each_status_menu_once_and_it_opens_as_the_row_own_menu(
    world, varied, kind, language
):
    """On a list page the rows in one status share their menu: it is sent once, as a
    template, and put in place when a row's menu opens. Opened, every row is what it would
    be with the menu in the row (a record's page, the block a move answers)."""
    member = world.members[kind]
    rows = list(TASK_ROWS.rows(task_list(membership=member)))
    with translation.override(language):
        own = TASK_ROWS.table_rows(rows, RowFormat(TASK_ROWS, membership=member, csrf_token="x"))
        shared = TASK_ROWS.table_rows(
            rows, RowFormat(TASK_ROWS, membership=member, csrf_token="x", shared_menus=True)
        )
    opened, templates = _menus_put_in_place(shared)

    assert parse_html(opened) == parse_html(own)
    # The states whose rows have a menu (each with the member's moves from there).
    with_moves = set(re.findall(r'data-status="([^"]+)"><form', own))
    if kind == RoleKind.USER:
        # A User's moves depend on owning the task: each row carries its own menu.
        assert templates == {}
    else:
        assert len(templates) == len(with_moves) > 0
        assert shared.count('class="dropdown-menu"') == len(with_moves)
        assert own.count('class="dropdown-menu"') > len(with_moves)
        assert len(shared) < len(own)


@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER])
def test_moves_asked_once_per_state_equal_the_moves_of_each_task(world, varied, kind):
    """A list asks a state's moves once when they cannot differ between tasks; whenever it
    does, the answer is what each task of that state gets on its own (and a User's, which
    depend on owning the task, are asked per task)."""
    from opsbase.kernel.workflows import transitions_available, transitions_for_every

    member = world.members[kind]
    shared_states = set()
    for task in Task.objects.for_tenant(member.tenant_id):
        shared = transitions_for_every(membership=member, model=Task, state=task.status)
        if shared is None:
            continue
        shared_states.add(task.status)
        assert shared == transitions_available(membership=member, obj=task)

    expected = set() if kind == RoleKind.USER else set(TaskStatus.values)
    assert shared_states == expected
