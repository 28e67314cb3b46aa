"""The active membership read from the cached membership list: no query once cached, and a
membership ended, a role changed or a tenant switched off is seen on the very next request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.testing.factories import MembershipFactory
from opsbase.testing.matrix import session_client

PROFILE = "/accounts/profile/"


def _membership_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "tenants_membership" in q["sql"]]


def test_the_active_membership_costs_no_query_once_cached(auth_cache, world):
    member = world.members[RoleKind.MANAGER]
    client = session_client(member)
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.wsgi_request.membership == member
    assert _membership_queries(queries) == []


def test_the_chosen_tenant_is_the_one_acted_in(auth_cache, world):
    member = world.members[RoleKind.MANAGER]
    away = MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.USER)
    client = session_client(away)
    client.get(PROFILE)

    assert client.get(PROFILE).wsgi_request.membership == away


def test_an_ended_membership_is_seen_on_the_next_request(auth_cache, world):
    member = world.members[RoleKind.MANAGER]
    client = session_client(member)
    assert client.get(PROFILE).wsgi_request.membership == member

    member.is_active = False
    member.save()

    assert client.get(PROFILE).wsgi_request.membership is None
    assert client.get("/tasks/").status_code == 302  # to onboarding


def test_a_switched_off_tenant_is_seen_on_the_next_request(auth_cache, world):
    member = world.members[RoleKind.MANAGER]
    client = session_client(member)
    client.get(PROFILE)

    world.home.is_active = False
    world.home.save()

    assert client.get(PROFILE).wsgi_request.membership is None


def test_a_changed_role_is_seen_on_the_next_request(auth_cache, world):
    member = world.members[RoleKind.USER]
    client = session_client(member)
    assert client.get("/tasks/all/").status_code == 403

    role = Role.objects.for_tenant(member.tenant_id).get(pk=member.role_id)
    role.permissions = [*role.permissions, "tasks.view_all_tasks"]
    role.save()

    assert client.get("/tasks/all/").status_code == 200
