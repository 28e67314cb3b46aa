"""POST /api/v1/auth/token/: e-mail, password and organization in, a token out."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from opsbase.api.keys import key_hash
from opsbase.api.models import ApiToken
from opsbase.kernel.audit.models import AuditEvent
from opsbase.testing.factories import PASSWORD, MembershipFactory

from .conftest import error_of

URL = "/api/v1/auth/token/"


def sign_in(client, email, password=PASSWORD, tenant="acme", **extra):
    return client.post(URL, {"email": email, "password": password, "tenant": tenant, **extra})


def test_good_credentials_get_a_token_of_that_membership(world, api):
    member = world.members["manager"]

    response = sign_in(api, member.user.email, name="Nightly export")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "prefix", "tenant", "role", "expires_at"}
    assert (body["tenant"], body["role"], body["expires_at"]) == ("acme", "Manager", None)
    assert body["token"].startswith("opb_") and body["token"].startswith(body["prefix"])
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.for_tenant(world.home).get(key_hash=key_hash(body["token"]))
    assert (token.membership, token.name) == (member, "Nightly export")


def test_the_token_works_right_away_in_that_tenant(world, api):
    user = world.members["user"].user
    MembershipFactory(tenant=world.away, user=user, kind="admin")
    raw = sign_in(api, user.email, tenant="globex").json()["token"]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    me = client.get("/api/v1/me/").json()

    assert (me["tenant"]["slug"], me["role"]["kind"]) == ("globex", "admin")


def test_an_expiry_can_be_asked_for(world, api):
    response = sign_in(api, world.members["user"].user.email, expires_in_days=7)

    expires = ApiToken.objects.for_tenant(world.home).get().expires_at
    assert response.json()["expires_at"] is not None
    assert 6.9 < (expires - timezone.now()).total_seconds() / 86400 <= 7


def test_the_email_is_not_case_sensitive(world, api):
    response = sign_in(api, world.members["user"].user.email.upper())
    assert response.status_code == 201


@pytest.mark.parametrize(
    "case", ["bad password", "unknown account", "unknown tenant", "not a member", "inactive"]
)
def test_every_refusal_looks_the_same(world, api, case):
    """Nothing tells a wrong password from an organization that does not exist."""
    email, password, tenant = world.members["user"].user.email, PASSWORD, "acme"
    if case == "bad password":
        password = "wrong"
    elif case == "unknown account":
        email = "nobody@example.test"
    elif case == "unknown tenant":
        tenant = "no-such-org"
    elif case == "not a member":
        tenant = "globex"
    elif case == "inactive":
        world.members["user"].is_active = False
        world.members["user"].save()

    response = sign_in(api, email, password, tenant)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_credentials"
    assert error["message"] == "Unable to sign in with these credentials for this organization."
    assert not ApiToken.objects.for_tenant(world.home).exists()


def test_an_inactive_organization_gives_no_token(world, api):
    world.away.is_active = False
    world.away.save()

    response = sign_in(api, world.away_members["user"].user.email, tenant="globex")

    assert error_of(response)["code"] == "invalid_credentials"


def test_missing_fields_are_a_validation_error(world, api):
    response = api.post(URL, {"email": "not-an-address"})

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"email", "password", "tenant"}


def test_issuing_a_token_is_audited(world, api):
    member = world.members["user"]
    sign_in(api, member.user.email)

    [event] = AuditEvent.objects.for_tenant(world.home).filter(action="api_token.create")
    assert event.actor_id == member.user_id


def test_failed_attempts_lock_the_account_out_in_the_api_error_format(world, api, settings):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(api, email, "wrong").status_code == 400

    reaching_limit = sign_in(api, email, "wrong")
    with_right_password = sign_in(api, email, PASSWORD)

    for response in (reaching_limit, with_right_password):
        assert response.status_code == 429
        assert response["Content-Type"] == "application/json"
        assert error_of(response)["code"] == "locked_out"
    assert not ApiToken.objects.for_tenant(world.home).exists()


def test_api_failures_also_lock_the_sign_in_page(world, api, client, settings):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api, email, "wrong")

    page = client.post("/accounts/login/", {"username": email, "password": PASSWORD})

    assert page.status_code == 429


def test_sign_in_page_failures_also_lock_the_api(world, api, client, settings):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": email, "password": "wrong"})

    assert error_of(sign_in(api, email))["code"] == "locked_out"


def test_four_failures_still_let_the_right_password_in(world, api, settings):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(api, email, "wrong")

    assert sign_in(api, email).status_code == 201


def test_the_endpoint_is_throttled_by_its_own_rate(world, api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth_token": "2/minute",
        },
    }
    email = world.members["user"].user.email

    statuses = [sign_in(api, email).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]


def test_the_endpoint_ignores_credentials_sent_along(world, make_token):
    """A revoked token in the header does not stop anyone from signing in for a new one."""
    member = world.members["user"]
    _token, raw = make_token(member, revoked_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    assert sign_in(client, member.user.email).status_code == 201
