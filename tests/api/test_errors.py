"""One error format for the whole API: ``{"error": {"code", "message", ...}}``."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from opsbase.core.exceptions import TenantScopeRequired
from opsbase.testing.matrix import session_client

from .conftest import error_of

RAISE = "/api/test/raise/{}/"
SCHEMA_JSON = "/api/schema/?format=json"


@pytest.fixture
def client(world, as_member, api_test_urls):
    return as_member(world.members["user"])


def test_401_not_authenticated(world, api):
    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_403_carries_the_policys_reason(world, as_member):
    response = as_member(world.members["user"]).get("/api/v1/roles/")

    assert response.status_code == 403
    error = error_of(response)
    assert (error["code"], error["message"]) == (
        "permission_denied",
        "Only an Admin can manage roles.",
    )


def test_404_for_another_tenants_object(world, as_member, make_token):
    foreign, _raw = make_token(world.away_members["admin"])

    response = as_member(world.members["admin"]).get(f"/api/v1/tokens/{foreign.pk}/")

    assert response.status_code == 404
    error = error_of(response)
    assert (error["code"], error["message"]) == ("not_found", "Not found.")


def test_400_names_each_field(client):
    response = client.post(RAISE.format("x"), {"title": "", "count": 0})

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "Please correct the errors below."
    assert set(error["fields"]) == {"title", "count"}
    assert all(isinstance(m, str) for ms in error["fields"].values() for m in ms)


def test_a_body_that_is_not_json_is_a_parse_error(client):
    response = client.post(RAISE.format("x"), "{nope", content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_body_nested_50000_levels_deep_is_a_parse_error_not_a_crash(world, as_member, opening):
    body = opening * 50_000
    client = as_member(world.members["admin"])

    for path in ("/api/v1/tasks/", "/api/v1/auth/token/"):
        response = client.post(path, body, content_type="application/json")

        assert response.status_code == 400, path
        assert error_of(response)["code"] == "parse_error"


def test_json_is_read_as_before(world, as_member):
    client = as_member(world.members["admin"])
    body = '{"title": "Caf\\u00e9 \u00fcber", "priority": "high", "due_date": null}'

    response = client.post("/api/v1/tasks/", body.encode(), content_type="application/json")

    assert response.status_code == 201
    assert response.json()["title"] == "Café über"


def test_405_method_not_allowed(world, as_member):
    response = as_member(world.members["user"]).delete("/api/v1/me/")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("kind", "status", "code", "message"),
    [
        ("opsbase-permission", 403, "permission_denied", "Only the owner can close this."),
        ("opsbase-notfound", 404, "not_found", "Not found."),
        ("opsbase-transition", 400, "invalid_transition", "Cannot close a draft."),
        ("opsbase-validation", 400, "validation_error", "Title is required."),
        ("django-validation", 400, "validation_error", "Please correct the errors below."),
        ("django-validation-plain", 400, "validation_error", "Nothing to do."),
        ("django-404", 404, "not_found", "Not found."),
        ("django-403", 403, "permission_denied", "Nope."),
    ],
)
def test_opsbase_and_django_errors_are_answered_in_the_format(client, kind, status, code, message):
    response = client.get(RAISE.format(kind))

    assert response.status_code == status
    error = error_of(response)
    assert (error["code"], error["message"]) == (code, message)


def test_an_invalid_transition_keeps_its_details(client):
    error = error_of(client.get(RAISE.format("opsbase-transition")))
    assert error["details"] == {"allowed": ["submit"], "state": "draft"}


def test_validation_errors_keep_their_fields(client):
    assert error_of(client.get(RAISE.format("opsbase-validation")))["fields"] == {
        "title": ["This field is required."]
    }
    assert error_of(client.get(RAISE.format("django-validation")))["fields"] == {
        "due": ["Must be in the future."]
    }
    assert error_of(client.get(RAISE.format("django-validation-plain")))["fields"] == {
        "non_field_errors": ["Nothing to do."]
    }


def test_a_programming_error_is_not_dressed_up_as_a_client_error(client):
    with pytest.raises(TenantScopeRequired):
        client.get(RAISE.format("scope"))


def test_errors_carry_the_request_id(client):
    response = client.get(RAISE.format("opsbase-notfound"), HTTP_X_REQUEST_ID="support-1234")

    assert error_of(response)["request_id"] == response["X-Request-ID"] == "support-1234"


def test_429_has_retry_after_in_header_and_body(world, make_token, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "2/minute",
        },
    }
    _token, raw = make_token(world.members["user"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]
    response = client.get("/api/v1/me/")

    assert statuses == [200, 200, 429]
    assert response.status_code == 429
    error = error_of(response)
    assert error["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert error["details"]["retry_after"] == int(response["Retry-After"])


def test_the_user_rate_is_per_user_not_per_token(world, make_token, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "2/minute",
        },
    }
    clients = []
    for _ in range(3):
        _token, raw = make_token(world.members["user"])
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        clients.append(c)

    assert [c.get("/api/v1/me/").status_code for c in clients] == [200, 200, 429]
    other = session_client(world.members["admin"])
    assert other.get("/api/v1/me/").status_code == 200


def test_anonymous_callers_are_throttled_by_address(world, api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "1/minute",
        },
    }
    # The schema is public, so the anonymous rate is what limits it.
    first, second = api.get(SCHEMA_JSON), api.get(SCHEMA_JSON)
    elsewhere = APIClient(REMOTE_ADDR="203.0.113.9").get(SCHEMA_JSON)

    assert (first.status_code, second.status_code, elsewhere.status_code) == (200, 429, 200)
    assert error_of(second)["code"] == "throttled"


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/tokens/9999/extra/"])
def test_an_unknown_api_url_answers_the_json_error_not_a_page(db, path):
    response = Client().get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_page_outside_the_api_is_still_the_themed_page(db):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
