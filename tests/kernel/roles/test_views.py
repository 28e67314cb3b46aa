"""Role pages: who may open them, tenant isolation, and the form's answers to bad input."""

import itertools

import pytest
from django.urls import reverse

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.testing.factories import MembershipFactory, role_of
from opsbase.testing.matrix import AccessMatrix, session_client
from opsbase.web import navigation

_names = itertools.count()

OBJECT_MATRIX_GET = {
    "admin": {"own": 200, "other": 200, "foreign": 404},
    "manager": {"own": 403, "other": 403, "foreign": 404},
    "user": {"own": 403, "other": 403, "foreign": 404},
}
OBJECT_MATRIX_POST = {
    "admin": {"own": 302, "other": 302, "foreign": 404},
    "manager": {"own": 403, "other": 403, "foreign": 404},
    "user": {"own": 403, "other": 403, "foreign": 404},
}


def custom_role(owner) -> Role:
    n = next(_names)
    return Role.objects.create(
        tenant_id=owner.tenant_id, name=f"Role {n}", slug=f"role-{n}", permissions=[]
    )


@pytest.mark.parametrize(
    ("name", "method", "expect"),
    [
        ("role_edit", "get", OBJECT_MATRIX_GET),
        ("role_edit", "post", OBJECT_MATRIX_POST),
        ("role_delete", "get", OBJECT_MATRIX_GET),
        ("role_delete", "post", OBJECT_MATRIX_POST),
    ],
)
def test_role_object_pages_matrix(world, name, method, expect):
    def request(client, role):
        url = reverse(f"roles:{name}", args=[role.pk])
        if method == "get":
            return client.get(url)
        return client.post(url, {"name": f"{role.name} renamed", "permissions": []})

    AccessMatrix(make=custom_role, request=request, expect=expect).check(world)


@pytest.mark.parametrize(
    ("kind", "get_status", "post_status"),
    [("admin", 200, 302), ("manager", 403, 403), ("user", 403, 403)],
)
@pytest.mark.parametrize(
    ("url_name", "args", "data"),
    [
        ("roles:role_list", [], None),
        ("roles:role_create", [], {"name": "Fresh", "permissions": ["audit.view_auditevent"]}),
        ("roles:role_template_apply", ["technician"], {"name": ""}),
    ],
)
def test_role_collection_pages_by_role(world, kind, get_status, post_status, url_name, args, data):
    client = session_client(world.members[kind])
    url = reverse(url_name, args=args)
    assert client.get(url).status_code == get_status
    if data is not None:
        assert client.post(url, data).status_code == post_status


def test_a_user_role_member_sees_the_reason_for_the_refusal(world):
    response = session_client(world.members["user"]).get(reverse("roles:role_list"))
    assert response.status_code == 403
    assert response.context["reason"] == "Only an Admin can manage roles."


def test_the_role_list_shows_only_the_own_tenants_roles(world):
    custom_role(world.members["admin"])
    foreign = custom_role(world.away_members["admin"])
    response = session_client(world.members["admin"]).get(reverse("roles:role_list"))
    roles = list(response.context["roles"])
    assert roles and {r.tenant_id for r in roles} == {world.home.pk}
    assert f'data-role-id="{foreign.pk}"' not in response.content.decode()


def test_creating_a_role_from_the_form(world):
    client = session_client(world.members["admin"])
    response = client.post(
        reverse("roles:role_create"),
        {"name": "Inspector", "description": "QC", "permissions": ["audit.view_auditevent"]},
    )
    assert response.status_code == 302
    role = Role.objects.for_tenant(world.home).get(name="Inspector")
    assert role.permissions == ["audit.view_auditevent"]


def test_a_duplicate_name_re_renders_the_form_with_the_error(world):
    client = session_client(world.members["admin"])
    response = client.post(reverse("roles:role_create"), {"name": "manager"})
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["name"][0]


def test_an_unknown_codename_re_renders_the_form_with_the_error(world):
    client = session_client(world.members["admin"])
    response = client.post(
        reverse("roles:role_create"), {"name": "Odd", "permissions": ["nope.do_it"]}
    )
    assert response.status_code == 400
    assert "permissions" in response.context["form"].errors
    assert not Role.objects.for_tenant(world.home).filter(name="Odd").exists()


def test_the_form_has_a_checkbox_per_codename_grouped_by_app(world):
    response = session_client(world.members["admin"]).get(reverse("roles:role_create"))
    html = response.content.decode()
    for codename in policy.codenames():
        assert f'value="{codename}"' in html
    titles = [g["title"] for g in response.context["form"].permission_groups()]
    assert "Roles" in titles and "Organizations" in titles


def test_editing_a_built_in_role_keeps_its_name(world):
    manager_role = role_of(world.home, RoleKind.MANAGER)
    client = session_client(world.members["admin"])
    response = client.post(
        reverse("roles:role_edit", args=[manager_role.pk]),
        {"name": "Boss", "permissions": ["audit.view_auditevent"]},
    )
    assert response.status_code == 302
    manager_role.refresh_from_db()
    assert manager_role.name == "Manager"
    assert manager_role.permissions == ["audit.view_auditevent"]


def test_deleting_a_held_role_shows_why_it_cannot(world):
    role = custom_role(world.members["admin"])
    MembershipFactory(tenant=world.home, role=role)
    client = session_client(world.members["admin"])
    response = client.post(reverse("roles:role_delete", args=[role.pk]))
    assert response.status_code == 400
    assert "Give them another role" in response.content.decode()
    assert Role.objects.for_tenant(world.home).filter(pk=role.pk).exists()


def test_applying_a_template_creates_the_role_and_opens_it(world):
    client = session_client(world.members["admin"])
    response = client.post(
        reverse("roles:role_template_apply", args=["administrator"]), {"name": ""}
    )
    role = Role.objects.for_tenant(world.home).get(name="Administrator")
    assert response.status_code == 302
    assert response["Location"] == reverse("roles:role_edit", args=[role.pk])


def test_an_unknown_template_is_404(world):
    client = session_client(world.members["admin"])
    assert client.get(reverse("roles:role_template_apply", args=["astronaut"])).status_code == 404


def test_the_roles_entry_is_in_the_organization_menu_of_admins_only(world):
    def urls(kind):
        return {e["item"].url_name for e in navigation.items_for(world.members[kind])}

    assert {"roles:role_list", "tenants:member_list", "tenants:invitation_list"} <= urls("admin")
    assert not {"roles:role_list", "tenants:member_list", "tenants:invitation_list"} & urls("user")
