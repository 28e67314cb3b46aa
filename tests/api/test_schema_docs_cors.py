"""OpenAPI schema, the offline docs UI, and CORS on /api/ only."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from opsbase.testing.matrix import session_client

SCHEMA_JSON = "/api/schema/?format=json"


@pytest.fixture
def schema(db):
    response = Client().get(SCHEMA_JSON)
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3_with_the_token_endpoint_and_scheme(schema):
    assert schema["openapi"].startswith("3.")
    assert "post" in schema["paths"]["/api/v1/auth/token/"]
    assert "get" in schema["paths"]["/api/v1/me/"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["tokenAuth"]["description"],
    }
    assert "Token <token>" in schemes["tokenAuth"]["description"]
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_the_token_endpoint_needs_no_credentials_and_me_does(schema):
    sign_in = schema["paths"]["/api/v1/auth/token/"]["post"]
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert sign_in.get("security") in (None, [], [{}])
    assert {"tokenAuth": []} in me["security"]


def test_errors_are_one_documented_component(schema):
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert {"code", "message", "fields", "details"} <= set(error["properties"])
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]
    for status in ("401", "403", "429"):
        ref = me[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error"
    detail = schema["paths"]["/api/v1/tokens/{id}/"]["get"]["responses"]
    assert "404" in detail
    create = schema["paths"]["/api/v1/tokens/"]["post"]["responses"]
    assert {"201", "400"} <= set(create)


def test_the_token_list_documents_pagination_filters_and_ordering(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/tokens/"]["get"]["parameters"]}
    assert {"page", "page_size", "ordering", "search", "status", "name"} <= names


def test_the_schema_also_comes_as_yaml(db):
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_the_docs_page_loads_only_local_assets(world):
    response = session_client(world.members["user"]).get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls, page
    for url in urls:
        assert url.startswith("/"), f"{url} is not served by us"
        assert not url.startswith("//")
    assert "<script>" not in page and "<style>" not in page  # strict CSP: nothing inline
    assert any("swagger-ui-bundle.js" in url for url in urls)


def test_the_docs_assets_exist_in_static_files(world):
    page = Client().get("/api/docs/").content.decode()
    for url in re.findall(r'(?:src|href)="(/static/[^"?]+)"', page):
        assert finders.find(url.removeprefix("/static/")), url


def test_the_docs_start_up_script_is_served_as_javascript(world):
    page = Client().get("/api/docs/").content.decode()
    [script] = [u for u in re.findall(r'<script src="([^"]+)"', page) if "script" in u]

    response = Client().get(script.replace("&amp;", "&"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def test_the_docs_page_is_served_under_the_strict_csp(world):
    response = Client().get("/api/docs/")
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_cors_allows_a_configured_origin_on_the_api(world):
    response = Client().get("/api/schema/?format=json", HTTP_ORIGIN="https://app.example.com")
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_cors_answers_a_preflight_for_the_token_header(world):
    response = Client().options(
        "/api/v1/me/",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_cors_ignores_other_origins_and_other_paths(world):
    other_origin = Client().get("/api/schema/?format=json", HTTP_ORIGIN="https://evil.example")
    other_path = Client().get("/accounts/login/", HTTP_ORIGIN="https://app.example.com")

    assert "Access-Control-Allow-Origin" not in other_origin
    assert "Access-Control-Allow-Origin" not in other_path


def test_cors_is_off_without_configured_origins(world, settings):
    settings.CORS_ALLOWED_ORIGINS = []
    response = Client().get("/api/schema/?format=json", HTTP_ORIGIN="https://app.example.com")
    assert "Access-Control-Allow-Origin" not in response


def test_people_an_invitation_may_not_have_yet_are_nullable_in_the_schema(schema):
    """A pending invitation has no `accepted_by` (and an inviter may be gone): the schema must
    allow null, as the answers do (schemathesis found a 201 that broke the schema)."""
    invitation = schema["components"]["schemas"]["Invitation"]["properties"]

    assert invitation["accepted_by"].get("nullable") is True
    assert invitation["invited_by"].get("nullable") is True
