"""``/api/v1/memberships/`` and ``/api/v1/invitations/``: Admins only, own tenant only."""

import itertools

import pytest
from django.core import mail
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Invitation, Membership
from opsbase.kernel.tenants.services import invitation_create
from opsbase.testing.factories import MembershipFactory, role_of
from opsbase.testing.matrix import AccessMatrix, session_client

_emails = itertools.count()

READ = {
    "admin": {"own": 200, "other": 200, "foreign": 404},
    "manager": {"own": 403, "other": 403, "foreign": 404},
    "user": {"own": 403, "other": 403, "foreign": 404},
}


def new_member(owner) -> Membership:
    return MembershipFactory(tenant=owner.tenant, kind=RoleKind.USER)


def open_invitation(owner) -> Invitation:
    admin = Membership.objects.for_tenant(owner.tenant_id).filter(role__kind="admin").first()
    return invitation_create(
        membership=admin,
        email=f"api-invitee{next(_emails)}@example.test",
        role=role_of(owner.tenant, RoleKind.USER),
        site_url="http://testserver/",
    )


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.mark.parametrize(
    ("make", "request_fn"),
    [
        (new_member, lambda c, m: c.get(reverse("api:membership-detail", args=[m.pk]))),
        (
            new_member,
            lambda c, m: patch(
                c,
                reverse("api:membership-detail", args=[m.pk]),
                {"role": role_of(m.tenant, RoleKind.MANAGER).pk},
            ),
        ),
        (
            new_member,
            lambda c, m: patch(
                c, reverse("api:membership-detail", args=[m.pk]), {"is_active": False}
            ),
        ),
        (open_invitation, lambda c, i: c.get(reverse("api:invitation-detail", args=[i.pk]))),
        (open_invitation, lambda c, i: c.post(reverse("api:invitation-revoke", args=[i.pk]))),
    ],
    ids=[
        "membership-retrieve",
        "membership-role",
        "membership-deactivate",
        "invitation-retrieve",
        "invitation-revoke",
    ],
)
def test_object_actions_matrix(world, make, request_fn):
    AccessMatrix(make=make, request=request_fn, expect=READ).check(world)


@pytest.mark.parametrize(
    ("kind", "read", "write"), [("admin", 200, 201), ("manager", 403, 403), ("user", 403, 403)]
)
def test_collection_actions_by_role(world, kind, read, write):
    client = session_client(world.members[kind])
    assert client.get(reverse("api:membership-list")).status_code == read
    assert client.get(reverse("api:invitation-list")).status_code == read
    created = client.post(
        reverse("api:invitation-list"),
        {"email": f"{kind}-api@example.test", "role": role_of(world.home, RoleKind.USER).pk},
        content_type="application/json",
    )
    assert created.status_code == write


def test_acme_gets_404_for_globex_through_the_api(world):
    client = session_client(world.members["admin"])
    globex_member = world.away_members["admin"]
    globex_invitation = open_invitation(globex_member)
    globex_role = role_of(world.away, RoleKind.USER)
    for url in (
        reverse("api:membership-detail", args=[globex_member.pk]),
        reverse("api:invitation-detail", args=[globex_invitation.pk]),
        reverse("api:role-detail", args=[globex_role.pk]),
    ):
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("api:membership-list")).json()["results"]
    assert {m["user"]["email"].split("@")[1] for m in listed} == {"acme.test"}


def test_lists_hold_only_the_own_tenant(world):
    open_invitation(world.members["admin"])
    open_invitation(world.away_members["admin"])
    client = session_client(world.members["admin"])
    invitations = client.get(reverse("api:invitation-list")).json()["results"]
    assert len(invitations) == 1
    assert invitations[0]["status"] == "pending"
    assert "token" not in invitations[0] and "token_hash" not in invitations[0]


def test_creating_an_invitation_mails_it(world):
    response = session_client(world.members["admin"]).post(
        reverse("api:invitation-list"),
        {"email": "Someone@Example.test", "role": role_of(world.home, RoleKind.MANAGER).pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["email"] == "someone@example.test"
    assert response.json()["role_name"] == "Manager"
    assert mail.outbox[0].to == ["someone@example.test"]


def test_inviting_a_member_is_400_on_the_email_field(world):
    response = session_client(world.members["admin"]).post(
        reverse("api:invitation-list"),
        {"email": "user@acme.test", "role": role_of(world.home, RoleKind.USER).pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "already a member" in response.json()["error"]["fields"]["email"][0]


def test_a_foreign_role_id_is_400(world):
    response = session_client(world.members["admin"]).post(
        reverse("api:invitation-list"),
        {"email": "x@example.test", "role": role_of(world.away, RoleKind.USER).pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "role" in response.json()["error"]["fields"]


def test_patching_the_last_admin_away_is_400(world):
    admin = world.members["admin"]
    response = patch(
        session_client(admin),
        reverse("api:membership-detail", args=[admin.pk]),
        {"role": role_of(world.home, RoleKind.USER).pk},
    )
    assert response.status_code == 400
    assert "last active Admin" in str(response.json())


def test_patch_changes_the_role_and_answers_the_membership(world):
    target = world.members["user"]
    response = patch(
        session_client(world.members["admin"]),
        reverse("api:membership-detail", args=[target.pk]),
        {"role": role_of(world.home, RoleKind.MANAGER).pk},
    )
    assert response.status_code == 200
    assert response.json()["role_name"] == "Manager"


def test_revoking_twice_is_400(world):
    invitation = open_invitation(world.members["admin"])
    client = session_client(world.members["admin"])
    url = reverse("api:invitation-revoke", args=[invitation.pk])
    assert client.post(url).json()["status"] == "revoked"
    assert client.post(url).status_code == 400


def test_memberships_cannot_be_created_or_deleted_through_the_api(world):
    client = session_client(world.members["admin"])
    assert client.post(reverse("api:membership-list"), {}).status_code == 405
    target = world.members["user"]
    assert client.delete(reverse("api:membership-detail", args=[target.pk])).status_code == 405


def test_lists_cost_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(5):
        new_member(world.members["admin"])
        open_invitation(world.members["admin"])
    client = session_client(world.members["admin"])
    for name in ("api:membership-list", "api:invitation-list"):
        with django_assert_max_num_queries(8):
            assert client.get(reverse(name)).status_code == 200
