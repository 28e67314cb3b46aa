"""The read-only audit API: same rules as the page, JSON answers."""

from types import SimpleNamespace

import pytest

from opsbase.kernel.audit.services import audit_event
from opsbase.testing.matrix import AccessMatrix, session_client

from .test_views import DENIED, make_event, queries_of

URL = "/api/v1/audit-events/"


def api_list_lookup(client, event):
    """The list searched for the event: 404 when the list works but does not hold it."""
    response = client.get(URL, {"search": event.target_label})
    if response.status_code == 200 and event.pk not in [
        r["id"] for r in response.json()["results"]
    ]:
        return SimpleNamespace(status_code=404)
    return response


def test_the_api_list_gives_admins_their_tenants_events_only(world):
    AccessMatrix(
        make=make_event,
        request=api_list_lookup,
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 404},
            "manager": {"own": 403, "other": 403, "foreign": 403},
            "user": {"own": 403, "other": 403, "foreign": 403},
        },
    ).check(world)


def test_the_api_retrieve_is_for_admins_and_hides_other_tenants(world):
    AccessMatrix(
        make=make_event,
        request=lambda client, event: client.get(f"{URL}{event.pk}/"),
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 404},
            "manager": DENIED,
            "user": DENIED,
        },
    ).check(world)


@pytest.fixture
def api(world):
    return session_client(world.members["admin"])


def test_an_event_reads_back_with_its_chain_fields(api, world):
    event = audit_event(
        tenant=world.home,
        actor=world.members["admin"].user,
        action="task.complete",
        target_label="Pump 7",
        changes={"status": ("open", "done"), "password": ("a", "b")},
    )

    body = api.get(f"{URL}{event.pk}/").json()

    assert body["action"] == "task.complete"
    assert body["actor"] == world.members["admin"].user_id
    assert body["actor_label"] == world.members["admin"].user.email
    assert body["changes"] == {
        "status": {"old": "open", "new": "done"},
        "password": {"old": "********", "new": "********"},
    }
    assert (body["seq"], body["hash"]) == (event.seq, event.hash)
    assert body["prev_hash"] == event.prev_hash


def test_the_api_filters_by_action(api, world):
    audit_event(tenant=world.home, actor=None, action="task.complete", target_label="a")
    audit_event(tenant=world.home, actor=None, action="task.reopen", target_label="b")

    results = api.get(URL, {"action": "task.reopen"}).json()["results"]

    assert [r["target_label"] for r in results] == ["b"]


def test_the_manager_is_told_why(world):
    response = session_client(world.members["manager"]).get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Only an Admin can read the audit log."


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_cannot_write(api, world, method):
    event = audit_event(tenant=world.home, actor=None, action="x")
    url = URL if method == "post" else f"{URL}{event.pk}/"

    response = getattr(api, method)(url, {}, content_type="application/json")

    assert response.status_code == 405


def test_the_api_list_uses_a_fixed_number_of_queries(api, world):
    few = queries_of(api, URL)
    for i in range(30):
        audit_event(tenant=world.home, actor=None, action="test.count", target_label=str(i))

    assert queries_of(api, URL) == few
    assert few[1] == 2  # the count and the page
