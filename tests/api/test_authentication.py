"""Token and session authentication: who the caller is, and in which tenant."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from opsbase.api.models import ApiToken
from opsbase.testing.factories import MembershipFactory, UserFactory
from opsbase.testing.matrix import session_client

from .conftest import error_of

ME = "/api/v1/me/"


def with_header(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=value)
    return client


def test_a_token_authenticates_as_its_membership(world, as_member):
    member = world.members["manager"]

    response = as_member(member).get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == member.user.email
    assert body["tenant"] == {"id": world.home.pk, "name": "Acme", "slug": "acme"}
    assert body["role"]["kind"] == "manager"
    assert body["membership"] == member.pk
    assert body["authentication"] == "token"
    assert "api.manage_tokens" in body["permissions"]
    assert "roles.manage_roles" not in body["permissions"]


def test_a_globex_token_of_a_user_in_both_tenants_sees_only_globex(world, as_member):
    """The token, not the user's first or session-chosen tenant, decides the tenant."""
    user = world.members["user"].user  # a member of Acme ...
    globex = MembershipFactory(tenant=world.away, user=user, kind="manager")  # ... and Globex

    body = as_member(globex).get(ME).json()

    assert body["tenant"]["slug"] == "globex"
    assert body["role"]["kind"] == "manager"
    assert body["membership"] == globex.pk


def test_a_token_overrides_the_tenant_of_a_session_sent_along(world, make_token):
    user = world.members["user"].user
    globex = MembershipFactory(tenant=world.away, user=user, kind="user")
    _token, raw = make_token(globex)
    client = session_client(world.members["user"])  # the session says Acme

    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {raw}")

    assert response.json()["tenant"]["slug"] == "globex"


def test_a_token_binds_its_tenant_for_the_request(world, as_member, api_test_urls):
    response = as_member(world.away_members["user"]).get("/api/test/tenant/")
    assert response.json() == {"bound": world.away.pk, "tenant": world.away.pk}


def test_bearer_works_as_well_as_token(world, make_token):
    _token, raw = make_token(world.members["user"])
    assert with_header(f"Bearer {raw}").get(ME).status_code == 200
    assert with_header(f"token {raw}").get(ME).status_code == 200


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Token opb_not-a-real-token", "token_invalid"),
        ("Token", "token_invalid"),
        ("Token a b", "token_invalid"),
    ],
)
def test_a_bad_token_is_401(world, header, code):
    response = with_header(header).get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == code
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_no_credentials_is_401_not_authenticated(world, api):
    response = api.get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_revoked_token_is_401_saying_so(world, make_token):
    _token, raw = make_token(world.members["user"], revoked_at=timezone.now())

    response = with_header(f"Token {raw}").get(ME)

    assert response.status_code == 401
    error = error_of(response)
    assert (error["code"], error["message"]) == ("token_revoked", "This token was revoked.")


def test_an_expired_token_is_401_saying_so(world, make_token):
    past = timezone.now() - dt.timedelta(seconds=1)
    _token, raw = make_token(world.members["user"], expires_at=past)

    response = with_header(f"Token {raw}").get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == "token_expired"


def test_a_token_before_its_expiry_works(world, make_token):
    later = timezone.now() + dt.timedelta(days=1)
    _token, raw = make_token(world.members["user"], expires_at=later)
    assert with_header(f"Token {raw}").get(ME).status_code == 200


def test_a_deactivated_membership_disables_its_tokens(world, make_token):
    member = world.spare
    _token, raw = make_token(member)
    member.is_active = False
    member.save()

    response = with_header(f"Token {raw}").get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == "membership_inactive"


def test_a_disabled_account_disables_its_tokens(world, make_token):
    member = world.spare
    _token, raw = make_token(member)
    member.user.is_active = False
    member.user.save()

    response = with_header(f"Token {raw}").get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == "user_inactive"


def test_an_inactive_tenant_disables_its_tokens(world, make_token):
    _token, raw = make_token(world.away_members["admin"])
    world.away.is_active = False
    world.away.save()

    response = with_header(f"Token {raw}").get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == "tenant_inactive"


def test_using_a_token_records_when_it_was_last_used_once_a_minute(world, make_token):
    token, raw = make_token(world.members["user"])
    client = with_header(f"Token {raw}")

    client.get(ME)
    first = ApiToken.objects.for_tenant(world.home).get(pk=token.pk).last_used_at
    client.get(ME)
    second = ApiToken.objects.for_tenant(world.home).get(pk=token.pk).last_used_at

    assert first is not None and first <= timezone.now()
    assert second == first


def test_a_token_request_costs_a_fixed_number_of_queries(
    world, make_token, django_assert_num_queries
):
    _token, raw = make_token(world.members["user"])
    client = with_header(f"Token {raw}")
    client.get(ME)  # the first use also writes last_used_at

    # One to find the token (with membership, user, role, tenant); nothing else.
    with django_assert_num_queries(1):
        assert client.get(ME).status_code == 200


def test_the_session_works_for_the_browser(world):
    response = session_client(world.members["admin"]).get(ME)

    assert response.status_code == 200
    assert response.json()["authentication"] == "session"
    assert response.json()["tenant"]["slug"] == "acme"


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.members["user"].user)

    response = client.post("/api/v1/tokens/", {"name": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_a_signed_in_user_without_membership_is_403(world):
    client = Client()
    client.force_login(UserFactory())

    response = client.get(ME)

    assert response.status_code == 403
    error = error_of(response)
    assert (error["code"], error["message"]) == (
        "permission_denied",
        "You are not a member of an organization.",
    )
