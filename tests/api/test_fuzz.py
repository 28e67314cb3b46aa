"""Schemathesis against the published schema, signed in with an API token: no answer is a
5xx, and every answer (status, content type, body) matches what the schema says.

Bounded (a few examples per operation) so that it runs in every ``make test``; raise
``OPSBASE_FUZZ_EXAMPLES`` for a longer hunt.
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from opsbase.testing.api import token_for

EXAMPLES = int(os.environ.get("OPSBASE_FUZZ_EXAMPLES", "8"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


# Loaded at collection: building the schema reads no data, only the code.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _fuzz_limits(settings):
    # Generous limits: the fuzzer is one caller sending hundreds of requests a minute.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "auth_token"), "100000/minute"),
    }
    cache.clear()
    # As Django's test client does: a request must not close the connection that holds
    # the test's transaction (close_old_connections would, outside autocommit).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema_and_never_fails(case, world):
    # A fresh token each time: an example may revoke the one it was given.
    _token, raw = token_for(world.members["admin"])

    case.call_and_validate(headers={"Authorization": f"Token {raw}"}, checks=CHECKS)


def test_an_id_beyond_any_integer_column_is_not_found(world):
    """Found by the fuzzer on Django 4.2 with SQLite, where such an id crashed the lookup."""
    from opsbase.testing.api import token_client

    client = token_client(world.members["admin"])

    response = client.get("/api/v1/roles/135814868577555386898239178234770/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/invitations/", {"email": "new@acme.test", "role": 2**80}, "role"),
        ("/api/v1/tasks/", {"title": "Call back", "assignee": -(2**80)}, "assignee"),
    ],
)
def test_a_related_id_beyond_any_integer_column_is_a_field_error(world, path, payload, field):
    """Found by the fuzzer on Django 4.2 with SQLite: such an id in a body answered 404 for
    the whole request instead of naming the field."""
    from opsbase.testing.api import token_client

    from .conftest import error_of

    client = token_client(world.members["admin"])

    response = client.post(path, payload, format="json")

    assert response.status_code == 400
    assert field in error_of(response)["fields"]
