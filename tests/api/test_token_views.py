"""The API tokens pages: list, create (secret shown once), revoke."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from opsbase.api.keys import key_hash
from opsbase.api.models import ApiToken
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.services import role_create
from opsbase.testing.api import token_for
from opsbase.testing.factories import MembershipFactory
from opsbase.testing.matrix import AccessMatrix, session_client

LIST = "/api/tokens/"
NEW = "/api/tokens/new/"


def revoke_url(token) -> str:
    return f"/api/tokens/{token.pk}/revoke/"


def test_the_url_names_are_the_agreed_ones():
    assert reverse("api:token_list") == LIST
    assert reverse("api:token_create") == NEW


def test_the_list_shows_own_tokens_by_name_and_prefix_only(world):
    member = world.members["user"]
    token, raw = token_for(member, name="CI pipeline")
    token_for(world.spare, name="Spare's script")

    page = session_client(member).get(LIST).content.decode()

    assert "CI pipeline" in page and token.prefix in page
    assert raw not in page and token.key_hash not in page
    assert "Spare&#x27;s script" not in page and "Spare's script" not in page
    assert "Other members" not in page


def test_an_admin_also_sees_other_members_tokens(world):
    token_for(world.spare, name="Spare script")
    token_for(world.away_members["admin"], name="Globex script")

    page = session_client(world.members["admin"]).get(LIST).content.decode()

    assert "Other members" in page and "Spare script" in page
    assert world.spare.user.email in page
    assert "Globex script" not in page


def test_the_list_shows_status_and_last_use(world):
    member = world.members["user"]
    token_for(member, name="old", revoked_at=timezone.now())
    token_for(member, name="fresh")

    page = session_client(member).get(LIST).content.decode()

    assert "Revoked" in page and "Active" in page and "Never" in page


def test_the_list_costs_the_same_for_many_tokens(world):
    admin = world.members["admin"]
    client = session_client(admin)
    for member in (admin, world.spare):
        token_for(member)
    few = _queries(client)

    for member in (admin, world.spare, world.members["manager"]):
        for _ in range(5):
            token_for(member)

    assert _queries(client) == few


def _queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


def test_creating_shows_the_token_once(world):
    member = world.members["user"]
    client = session_client(member)

    response = client.post(NEW, {"name": "Exporter", "expires_in_days": "30"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    raw = re.search(r'value="(opb_[A-Za-z0-9_-]+)"', page).group(1)
    token = ApiToken.objects.for_tenant(world.home).get(key_hash=key_hash(raw))
    assert (token.membership, token.name) == (member, "Exporter")
    assert token.expires_at is not None
    assert "shown only this once" in page
    assert raw not in client.get(LIST).content.decode()


def test_a_token_made_in_the_ui_works_on_the_api(world):
    page = session_client(world.members["manager"]).post(NEW, {"name": "x"}).content.decode()
    raw = re.search(r'value="(opb_[A-Za-z0-9_-]+)"', page).group(1)

    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get("/api/v1/me/").json()["membership"] == world.members["manager"].pk


@pytest.mark.parametrize(
    "data", [{"name": ""}, {"name": "x", "expires_in_days": "0"}, {"name": "x" * 81}]
)
def test_bad_input_shows_the_form_again(world, data):
    response = session_client(world.members["user"]).post(NEW, data)

    assert response.status_code == 400
    assert not ApiToken.objects.for_tenant(world.home).exists()


def test_the_pages_need_a_membership(world, client):
    assert client.get(LIST).status_code == 302  # to sign in


def test_a_role_without_the_permission_gets_403_with_the_reason(world):
    role = role_create(membership=world.members["admin"], name="Viewer", permissions=[])
    viewer = MembershipFactory(tenant=world.home, role=role)

    response = session_client(viewer).get(LIST)

    assert response.status_code == 403
    assert "Only its owner or an Admin can manage this API token." in response.content.decode()


def test_revoking_asks_first_then_revokes(world):
    member = world.members["user"]
    token, _raw = token_for(member, name="CI")
    client = session_client(member)

    confirm = client.get(revoke_url(token))
    assert confirm.status_code == 200 and "CI" in confirm.content.decode()
    assert ApiToken.objects.for_tenant(world.home).get(pk=token.pk).revoked_at is None

    response = client.post(revoke_url(token))

    assert response.status_code == 302 and response["Location"] == LIST
    assert ApiToken.objects.for_tenant(world.home).get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.for_tenant(world.home).filter(action="api_token.revoke").count() == 1


def test_revoking_a_revoked_token_is_400(world):
    member = world.members["user"]
    token, _raw = token_for(member, revoked_at=timezone.now())

    response = session_client(member).post(revoke_url(token))

    assert response.status_code == 400
    assert "already revoked" in response.content.decode()


def test_revoke_matrix(world):
    """Own: everyone. Another member's: Admins only (403 with the reason for the others).
    Another organization's: 404 for all."""
    AccessMatrix(
        make=lambda owner: token_for(owner, name="target")[0],
        request=lambda client, token: client.post(revoke_url(token)),
        expect={
            "admin": {"own": 302, "other": 302, "foreign": 404},
            "manager": {"own": 302, "other": 403, "foreign": 404},
            "user": {"own": 302, "other": 403, "foreign": 404},
        },
    ).check(world)


def test_revoke_page_matrix(world):
    AccessMatrix(
        make=lambda owner: token_for(owner, name="target")[0],
        request=lambda client, token: client.get(revoke_url(token)),
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 404},
            "manager": {"own": 200, "other": 403, "foreign": 404},
            "user": {"own": 200, "other": 403, "foreign": 404},
        },
    ).check(world)


def test_the_created_page_has_no_inline_script(world):
    page = session_client(world.members["user"]).post(NEW, {"name": "x"}).content.decode()
    assert "<script>" not in page and "style=" not in page
    assert "/static/opsbase/api/token-copy.js" in page
