import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from opsbase.testing.api import token_client, token_for


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and failed-login counters live in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """An API client without credentials."""
    return APIClient()


@pytest.fixture
def make_token():
    """``make_token(membership, **fields) -> (token, raw)``."""
    return token_for


@pytest.fixture
def as_member():
    """``as_member(membership) -> APIClient`` signed with a fresh token of *membership*."""
    return token_client


@pytest.fixture
def api_test_urls(settings):
    """The library's URLs plus test-only API views (tests/api/urls.py)."""
    settings.ROOT_URLCONF = "tests.api.urls"


def error_of(response) -> dict:
    """The ``error`` object of an API error answer (and check the shape on the way)."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error
