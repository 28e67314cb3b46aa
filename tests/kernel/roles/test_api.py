"""``/api/v1/roles/``: Admins manage roles; everyone else 403; another tenant's role 404."""

import itertools

import pytest
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.testing.factories import MembershipFactory, role_of
from opsbase.testing.matrix import AccessMatrix, session_client

_names = itertools.count()


def custom_role(owner) -> Role:
    n = next(_names)
    return Role.objects.create(tenant_id=owner.tenant_id, name=f"API role {n}", slug=f"api-{n}")


def detail(role) -> str:
    return reverse("api:role-detail", args=[role.pk])


READ = {
    "admin": {"own": 200, "other": 200, "foreign": 404},
    "manager": {"own": 403, "other": 403, "foreign": 404},
    "user": {"own": 403, "other": 403, "foreign": 404},
}
DELETE = {**READ, "admin": {"own": 204, "other": 204, "foreign": 404}}


@pytest.mark.parametrize(
    ("request_fn", "expect"),
    [
        (lambda c, r: c.get(detail(r)), READ),
        (
            lambda c, r: c.patch(detail(r), {"description": "x"}, content_type="application/json"),
            READ,
        ),
        (
            lambda c, r: c.put(detail(r), {"name": f"{r.name}!"}, content_type="application/json"),
            READ,
        ),
        (lambda c, r: c.delete(detail(r)), DELETE),
    ],
    ids=["retrieve", "partial_update", "update", "destroy"],
)
def test_role_api_object_matrix(world, request_fn, expect):
    AccessMatrix(make=custom_role, request=request_fn, expect=expect).check(world)


@pytest.mark.parametrize(
    ("kind", "read", "write"), [("admin", 200, 201), ("manager", 403, 403), ("user", 403, 403)]
)
def test_role_api_collection_by_role(world, kind, read, write):
    client = session_client(world.members[kind])
    assert client.get(reverse("api:role-list")).status_code == read
    assert client.get(reverse("api:role-templates")).status_code == read
    created = client.post(
        reverse("api:role-list"),
        {"name": f"New {kind}", "permissions": []},
        content_type="application/json",
    )
    assert created.status_code == write
    from_template = client.post(
        reverse("api:role-from-template"),
        {"template": "technician"},
        content_type="application/json",
    )
    assert from_template.status_code == write


def test_the_list_holds_the_own_tenants_roles_only(world):
    custom_role(world.away_members["admin"])
    response = session_client(world.members["admin"]).get(reverse("api:role-list"))
    names = {r["name"] for r in response.json()["results"]}
    assert names == {"Admin", "Manager", "User"}


def test_create_returns_the_role(world):
    response = session_client(world.members["admin"]).post(
        reverse("api:role-list"),
        {"name": "Inspector", "permissions": ["audit.view_auditevent"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["kind"], body["permissions"], body["member_count"]) == (
        "Inspector",
        "custom",
        ["audit.view_auditevent"],
        0,
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"name": "Manager"}, "name"), ({"name": "X", "permissions": ["nope.x"]}, "permissions")],
)
def test_bad_input_is_400_naming_the_field(world, payload, field):
    response = session_client(world.members["admin"]).post(
        reverse("api:role-list"), payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_deleting_a_held_role_is_400_with_the_reason(world):
    role = custom_role(world.members["admin"])
    MembershipFactory(tenant=world.home, role=role)
    response = session_client(world.members["admin"]).delete(detail(role))
    assert response.status_code == 400
    assert "another role" in str(response.json())


def test_a_built_in_role_cannot_be_deleted_through_the_api(world):
    response = session_client(world.members["admin"]).delete(
        detail(role_of(world.home, RoleKind.USER))
    )
    assert response.status_code == 400


def test_anonymous_callers_are_refused(db):
    from django.test import Client

    assert Client().get(reverse("api:role-list")).status_code in (401, 403)


def test_the_list_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(5):
        custom_role(world.members["admin"])
    client = session_client(world.members["admin"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api:role-list")).status_code == 200
