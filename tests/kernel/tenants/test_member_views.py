"""Member and invitation pages: the access matrix, tenant isolation and their messages."""

import itertools

import pytest
from django.core import mail
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Invitation, Membership
from opsbase.kernel.tenants.services import invitation_create
from opsbase.testing.factories import MembershipFactory, UserFactory, role_of
from opsbase.testing.matrix import AccessMatrix, session_client

_emails = itertools.count()

GET = {
    "admin": {"own": 200, "other": 200, "foreign": 404},
    "manager": {"own": 403, "other": 403, "foreign": 404},
    "user": {"own": 403, "other": 403, "foreign": 404},
}
POST = {**GET, "admin": {"own": 302, "other": 302, "foreign": 404}}


def new_member(owner) -> Membership:
    """A fresh User-role member in the owner's tenant, so each cell acts on its own row."""
    return MembershipFactory(tenant_id=owner.tenant_id, tenant=owner.tenant, kind=RoleKind.USER)


def inactive_member(owner) -> Membership:
    member = new_member(owner)
    member.is_active = False
    member.save()
    return member


def open_invitation(owner) -> Invitation:
    admin = Membership.objects.for_tenant(owner.tenant_id).filter(role__kind="admin").first()
    return invitation_create(
        membership=admin,
        email=f"invitee{next(_emails)}@example.test",
        role=role_of(owner.tenant, RoleKind.USER),
        site_url="http://testserver/",
    )


@pytest.mark.parametrize(
    ("make", "url_name", "method", "data", "expect"),
    [
        (new_member, "tenants:member_edit", "get", None, GET),
        (new_member, "tenants:member_edit", "post", "manager", POST),
        (new_member, "tenants:member_deactivate", "get", None, GET),
        (new_member, "tenants:member_deactivate", "post", {}, POST),
        (inactive_member, "tenants:member_reactivate", "get", None, GET),
        (inactive_member, "tenants:member_reactivate", "post", {}, POST),
        (open_invitation, "tenants:invitation_revoke", "get", None, GET),
        (open_invitation, "tenants:invitation_revoke", "post", {}, POST),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_object_pages_matrix(world, make, url_name, method, data, expect):
    def request(client, obj):
        url = reverse(url_name, args=[obj.pk])
        if method == "get":
            return client.get(url)
        payload = data
        if data == "manager":
            # The manager role of the object's own tenant (a foreign role would be a 400).
            payload = {"role": role_of(obj.tenant, RoleKind.MANAGER).pk}
        return client.post(url, payload)

    AccessMatrix(make=make, request=request, expect=expect).check(world)


@pytest.mark.parametrize(
    ("kind", "get_status", "post_status"),
    [("admin", 200, 302), ("manager", 403, 403), ("user", 403, 403)],
)
@pytest.mark.parametrize(
    "url_name", ["tenants:member_list", "tenants:invitation_list", "tenants:invitation_create"]
)
def test_collection_pages_by_role(world, kind, get_status, post_status, url_name):
    client = session_client(world.members[kind])
    url = reverse(url_name)
    assert client.get(url).status_code == get_status
    if url_name == "tenants:invitation_create":
        data = {
            "email": f"{kind}-invitee@example.test",
            "role": role_of(world.home, RoleKind.USER).pk,
        }
        assert client.post(url, data).status_code == post_status


def test_a_user_role_member_cannot_open_the_member_pages(world):
    client = session_client(world.members["user"])
    for name in ("tenants:member_list", "tenants:invitation_list", "tenants:invitation_create"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name


def test_a_member_of_acme_gets_404_for_globex_members_and_invitations(world):
    client = session_client(world.members["admin"])
    globex_member = world.away_members["user"]
    globex_invitation = open_invitation(world.away_members["admin"])
    for url in (
        reverse("tenants:member_edit", args=[globex_member.pk]),
        reverse("tenants:member_deactivate", args=[globex_member.pk]),
        reverse("tenants:invitation_revoke", args=[globex_invitation.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert Membership.objects.for_tenant(world.away).get(pk=globex_member.pk).is_active


def test_the_member_list_shows_only_the_own_tenant(world):
    response = session_client(world.members["admin"]).get(reverse("tenants:member_list"))
    emails = {m.user.email for m in response.context["members"]}
    assert emails == {"admin@acme.test", "manager@acme.test", "user@acme.test", "other@acme.test"}
    assert "globex" not in response.content.decode()


def test_the_list_pages_cost_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(5):
        new_member(world.members["admin"])
        open_invitation(world.members["admin"])
    client = session_client(world.members["admin"])
    for name in ("tenants:member_list", "tenants:invitation_list"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_changing_a_role_from_the_page(world):
    client = session_client(world.members["admin"])
    target = world.members["user"]
    response = client.post(
        reverse("tenants:member_edit", args=[target.pk]),
        {"role": role_of(world.home, RoleKind.MANAGER).pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("tenants:member_list")
    target.refresh_from_db()
    assert target.role.kind == RoleKind.MANAGER


def test_a_foreign_role_id_is_an_invalid_choice(world):
    client = session_client(world.members["admin"])
    target = world.members["user"]
    response = client.post(
        reverse("tenants:member_edit", args=[target.pk]),
        {"role": role_of(world.away, RoleKind.ADMIN).pk},
    )
    assert response.status_code == 400
    assert "role" in response.context["form"].errors


def test_demoting_the_last_admin_shows_a_clear_error(world):
    admin = world.members["admin"]
    response = session_client(admin).post(
        reverse("tenants:member_edit", args=[admin.pk]),
        {"role": role_of(world.home, RoleKind.USER).pk},
    )
    assert response.status_code == 400
    assert "last active Admin" in str(response.context["form"].errors)
    admin.refresh_from_db()
    assert admin.role.kind == RoleKind.ADMIN


def test_deactivating_the_last_admin_shows_a_clear_error(world):
    second = MembershipFactory(tenant=world.home, kind=RoleKind.ADMIN)
    admin = world.members["admin"]
    session_client(admin).post(reverse("tenants:member_deactivate", args=[second.pk]))
    response = session_client(admin).post(reverse("tenants:member_deactivate", args=[admin.pk]))
    assert response.status_code == 400
    assert "own membership" in response.context["error"]


def test_deactivate_and_reactivate_from_the_pages(world):
    client = session_client(world.members["admin"])
    target = world.members["user"]
    assert client.post(reverse("tenants:member_deactivate", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert client.post(reverse("tenants:member_reactivate", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert target.is_active


def test_sending_an_invitation_from_the_page(world):
    client = session_client(world.members["admin"])
    response = client.post(
        reverse("tenants:invitation_create"),
        {"email": "newbie@example.test", "role": role_of(world.home, RoleKind.MANAGER).pk},
    )
    assert response.status_code == 302
    assert Invitation.objects.for_tenant(world.home).get(email="newbie@example.test")
    assert "http://testserver/org/invite/" in mail.outbox[0].body


def test_inviting_a_member_re_renders_the_form_with_the_error(world):
    client = session_client(world.members["admin"])
    response = client.post(
        reverse("tenants:invitation_create"),
        {"email": "manager@acme.test", "role": role_of(world.home, RoleKind.USER).pk},
    )
    assert response.status_code == 400
    assert "already a member" in response.context["form"].errors["email"][0]
    assert mail.outbox == []


def test_the_invitation_form_preselects_the_user_role(world):
    response = session_client(world.members["admin"]).get(reverse("tenants:invitation_create"))
    assert response.context["form"].initial["role"] == role_of(world.home, RoleKind.USER)


def test_revoking_twice_shows_why(world):
    invitation = open_invitation(world.members["admin"])
    client = session_client(world.members["admin"])
    url = reverse("tenants:invitation_revoke", args=[invitation.pk])
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 400
    assert "already revoked" in response.context["error"]


def test_members_pages_send_a_signed_out_visitor_to_sign_in(db):
    from django.test import Client

    response = Client().get(reverse("tenants:member_list"))
    assert response.status_code == 302
    assert "next=/org/members/" in response["Location"]


def test_a_spare_user_without_membership_cannot_reach_members(world):
    from opsbase.testing.matrix import Client

    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("tenants:member_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("tenants:onboarding")
