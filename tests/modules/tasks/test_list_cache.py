"""Cached task lists (API and page): fresh after every write, never another caller's answer."""

import itertools
import re

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.caching import list_cache_key
from opsbase.modules.tasks.constants import VIEW
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_delete, task_transition, task_update
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client
from opsbase.web.page_cache import csrf_placeholder

API = "/api/v1/tasks/"
PAGE = "/tasks/all/"


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_a_task_created_is_listed_on_the_next_read(list_cache, admin, make_task):
    make_task(admin, title="Check the pumps")
    client = token_client(admin)
    assert _titles(client.get(API)) == ["Check the pumps"]

    make_task(admin, title="Order filters")

    assert _titles(client.get(API)) == ["Order filters", "Check the pumps"]


def test_an_edit_a_move_and_a_delete_show_on_the_next_read(list_cache, admin, make_task):
    task = make_task(admin, title="Check the pumps")
    client = token_client(admin)
    client.get(API)  # cached

    task_update(membership=admin, task=task, title="Check the valves", notify=False)
    assert _titles(client.get(API)) == ["Check the valves"]

    task_transition(membership=admin, task=task, transition="start")
    assert client.get(API).json()["results"][0]["status"] == "in_progress"

    task_delete(membership=admin, task=Task.objects.for_tenant(admin.tenant_id).get(pk=task.pk))
    assert client.get(API).json()["results"] == []


def test_an_api_write_shows_on_the_page_and_in_the_api_at_once(list_cache, admin, make_task):
    make_task(admin, title="Check the pumps")
    api, browser = token_client(admin), session_client(admin)
    assert "Check the pumps" in browser.get(PAGE).content.decode()
    assert _titles(api.get(API)) == ["Check the pumps"]

    created = api.post(API, {"title": "Order filters"}, format="json")
    assert created.status_code == 201

    assert "Order filters" in browser.get(PAGE).content.decode()
    assert _titles(api.get(API)) == ["Order filters", "Check the pumps"]


def test_a_renamed_assignee_shows_with_the_new_email(list_cache, admin, user, make_task):
    make_task(admin, title="Check the pumps", assignee=user)
    client = token_client(admin)
    assert client.get(API).json()["results"][0]["assignee_email"] == "user@acme.test"

    user.user.email = "ann@acme.test"
    user.user.save()

    assert client.get(API).json()["results"][0]["assignee_email"] == "ann@acme.test"


def test_a_cached_answer_equals_the_computed_one(list_cache, settings, admin, user, make_task):
    for n in range(3):
        make_task(admin, title=f"Task {n}", assignee=user)
    client = token_client(admin)
    query = "?ordering=title&page_size=2"
    first, second = client.get(API + query), client.get(API + query)
    settings.OPSBASE_LIST_CACHE = False
    computed = client.get(API + query)

    assert first.content == second.content == computed.content
    assert second["Content-Type"] == computed["Content-Type"] == "application/json"


def test_the_page_served_from_the_cache_carries_this_requests_csrf_token(
    list_cache, admin, make_task
):
    """Two sessions of one member share the cached page, each with its own working token."""
    make_task(admin, title="Check the pumps")
    first, second = session_client(admin), session_client(admin)
    first.get(PAGE)  # cached
    second.handler.enforce_csrf_checks = True

    cached = second.get(PAGE)

    html = cached.content.decode()
    assert csrf_placeholder() not in html and "Check the pumps" in html
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 1
    assert tokens != set(re.findall(r'value="([^"]+)"', first.get(PAGE).content.decode()))
    switched = second.post(
        "/org/switch/", {"tenant": admin.tenant_id, "csrfmiddlewaretoken": tokens.pop()}
    )
    assert switched.status_code == 302  # 403 had the token been another session's


def task_list_cache_key(kind, membership, query):
    """The key the tasks API's cached list answer has (kit caching, the tasks' view rule)."""
    return list_cache_key(f"tasks.task:{kind}", membership, query, codename=VIEW)


def _everyone(world):
    return [*world.members.values(), world.spare, *world.away_members.values()]


def test_no_member_is_ever_answered_with_another_members_cached_list(
    list_cache, settings, world, make_task
):
    """Every member of both tenants and every role reads the lists, in turns, from a cache
    the others filled: each gets exactly what is computed for it without the cache."""
    for member in _everyone(world):
        make_task(member, title=f"Owned by {member.user.email}")
    make_task(world.members[RoleKind.ADMIN], title="Assigned", assignee=world.spare)
    members = _everyone(world)
    api = {m.pk: token_client(m) for m in members}
    pages = {m.pk: session_client(m) for m in members}

    def read(member):
        every = pages[member.pk].get(PAGE)
        mine = pages[member.pk].get("/tasks/")
        return (
            api[member.pk].get(API).content,
            _titles_on(mine),
            every.status_code,
            _titles_on(every),
            # The whole pages too (shell included), but for the per-request CSRF token.
            _without_token(mine),
            _without_token(every),
            _without_token(pages[member.pk].get("/")),
        )

    settings.OPSBASE_LIST_CACHE = False
    expected = {m.pk: read(m) for m in members}
    settings.OPSBASE_LIST_CACHE = True
    for first, then in itertools.permutations(members, 2):
        read(first)
        assert read(then) == expected[then.pk], f"{then} after {first}"


def _without_token(response) -> str:
    html = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1TOKEN", html)


def _titles_on(response) -> list[str]:
    return re.findall(r'data-testid="task-link">([^<]+)<', response.content.decode())


def test_the_cache_key_separates_roles_users_and_tenants(list_cache, world):
    """Members who may see different tasks never share a key; the query and the tenant's
    version are part of it too."""
    from django.http import QueryDict

    query = QueryDict("page=1")
    keys = {m.pk: task_list_cache_key("api", m, query) for m in _everyone(world)}
    home_admin = world.members[RoleKind.ADMIN]
    away_admin = world.away_members[RoleKind.ADMIN]
    users = [world.members[RoleKind.USER], world.spare, world.away_members[RoleKind.USER]]

    assert keys[home_admin.pk] != keys[away_admin.pk]
    assert len({keys[u.pk] for u in users}) == len(users)
    assert keys[home_admin.pk] not in {keys[u.pk] for u in users}
    assert task_list_cache_key("api", home_admin, QueryDict("page=2")) != keys[home_admin.pk]
    assert task_list_cache_key("api", home_admin, query) == keys[home_admin.pk]


def test_a_write_in_one_tenant_leaves_the_other_tenants_cache_alone(list_cache, world, make_task):
    from django.http import QueryDict

    home, away = world.members[RoleKind.ADMIN], world.away_members[RoleKind.ADMIN]
    query = QueryDict("")
    before_home = task_list_cache_key("api", home, query)
    before_away = task_list_cache_key("api", away, query)

    make_task(home, title="Check the pumps")

    assert task_list_cache_key("api", home, query) != before_home
    assert task_list_cache_key("api", away, query) == before_away
